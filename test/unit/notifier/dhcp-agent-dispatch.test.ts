import { describe, expect, it } from 'vitest'
import { DhcpAgentNotifier } from '../../../src/notifier/dhcp-agent-notifier.js'
import {
  LEVEL,
  NETWORK_ID,
  RecordingCaller,
  aNetwork,
  aNotifier,
  aPort,
  aSubnet,
  anAgent,
  capturingLogger,
} from './fakes.js'

const network = aNetwork()
const subnet = aSubnet()
const port = aPort()

describe('DhcpAgentNotifier: which agents hear of a change', () => {
  describe('agent state', () => {
    it('skips admin-down agents', async () => {
      const { notifier, casts } = aNotifier({
        agents: [anAgent('host-a', { admin_state_up: false }), anAgent('host-b')],
      })
      await notifier.publish({ type: 'subnet.create', subnet })
      expect(casts.map((c) => c.server)).toEqual(['host-b'])
    })

    it('casts to admin-down agents with enable_services_on_agents_with_admin_state_down', async () => {
      const { notifier, casts } = aNotifier({
        agents: [anAgent('host-a', { admin_state_up: false }), anAgent('host-b')],
        enableServicesOnAgentsWithAdminStateDown: true,
      })
      await notifier.publish({ type: 'subnet.create', subnet })
      expect(casts.map((c) => c.server)).toEqual(['host-a', 'host-b'])
    })

    it('logs an error and drops the event when only admin-down agents host a network in use', async () => {
      const { notifier, casts, lines } = aNotifier({
        agents: [anAgent('host-a', { admin_state_up: false })],
      })
      await notifier.publish({
        type: 'port.update',
        port: aPort({ mac_address: 'fa:16:3e:00:00:09' }),
        original: port,
      })
      expect(casts).toEqual([])
      expect(lines.filter((l) => l.level === LEVEL.error)).toMatchObject([
        { method: 'port_update_end', network_id: NETWORK_ID },
      ])
    })

    it('drops the event quietly when the network has no ports or no subnets', async () => {
      const { notifier, casts, lines } = aNotifier({
        agents: [anAgent('host-a', { admin_state_up: false })],
        hasPortsAndSubnets: false,
      })
      await notifier.publish({ type: 'network.update', network, original: network })
      expect(casts).toEqual([])
      expect(lines.filter((l) => l.level >= LEVEL.warn)).toEqual([])
    })

    it('warns about agents that are not alive and still casts to them', async () => {
      const { notifier, casts, lines } = aNotifier({
        agents: [anAgent('host-a', { alive: false }), anAgent('host-b')],
      })
      await notifier.publish({ type: 'subnet.update', subnet, original: subnet })
      expect(casts.map((c) => c.server)).toEqual(['host-a', 'host-b'])
      expect(lines.filter((l) => l.level === LEVEL.warn)).toMatchObject([
        { network_id: NETWORK_ID, hosts: ['host-a'] },
      ])
    })
  })

  describe('scheduling', () => {
    const newAgent = () => Promise.resolve([anAgent('host-new')])

    it('schedules before subnet_create_end and casts network_create_end to new agents first', async () => {
      const { notifier, casts, scheduled } = aNotifier({ schedule: newAgent })
      await notifier.publish({ type: 'subnet.create', subnet })
      expect(scheduled).toEqual([NETWORK_ID])
      expect(casts.map((c) => [c.server, c.method, c.args])).toEqual([
        ['host-new', 'network_create_end', { network: { id: NETWORK_ID }, priority: 0 }],
        ['host-new', 'subnet_create_end', { subnet, priority: 3 }],
        ['host-a', 'subnet_create_end', { subnet, priority: 3 }],
      ])
    })

    it('schedules before port_create_end of an ordinary port', async () => {
      const { notifier, casts, scheduled } = aNotifier({ agents: [], schedule: newAgent })
      await notifier.publish({ type: 'port.create', port })
      expect(scheduled).toEqual([NETWORK_ID])
      expect(casts.map((c) => [c.server, c.method, c.args.priority])).toEqual([
        ['host-new', 'network_create_end', 0],
        ['host-new', 'port_create_end', 5],
      ])
    })

    it('does not schedule for a reserved_dhcp_port port', async () => {
      const { notifier, casts, scheduled } = aNotifier({ schedule: newAgent })
      const reserved = aPort({ device_id: 'reserved_dhcp_port', device_owner: 'network:dhcp' })
      await notifier.publish({ type: 'port.create', port: reserved })
      expect(scheduled).toEqual([])
      expect(casts.map((c) => [c.server, c.method])).toEqual([['host-a', 'port_create_end']])
    })

    it('does not schedule for updates and deletes', async () => {
      const { notifier, scheduled } = aNotifier({ schedule: newAgent })
      await notifier.publish({ type: 'subnet.update', subnet, original: subnet })
      await notifier.publish({ type: 'subnet.delete', subnet })
      await notifier.publish({ type: 'port.update', port, original: aPort({ fixed_ips: [] }) })
      await notifier.publish({ type: 'port.delete', port })
      await notifier.publish({ type: 'network.update', network, original: network })
      expect(scheduled).toEqual([])
    })

    it('warns when the network can be scheduled nowhere and no agent hosts it', async () => {
      const { notifier, casts, lines } = aNotifier({
        agents: [],
        schedule: () => Promise.resolve([]),
      })
      await notifier.publish({ type: 'subnet.create', subnet })
      expect(casts).toEqual([])
      expect(lines.filter((l) => l.level === LEVEL.warn)).toMatchObject([
        { network_id: NETWORK_ID },
      ])
    })

    it('still tells the hosting agents when scheduling fails', async () => {
      const { notifier, casts, lines } = aNotifier({
        schedule: () => Promise.reject(new Error('database gone')),
      })
      await notifier.publish({ type: 'subnet.create', subnet })
      expect(casts.map((c) => [c.server, c.method])).toEqual([['host-a', 'subnet_create_end']])
      expect(lines.filter((l) => l.level === LEVEL.error)).toMatchObject([
        { network_id: NETWORK_ID },
      ])
    })
  })

  describe('failures and switches', () => {
    it('casts nothing when dhcp_agent_notification is false', async () => {
      const { notifier, casts, looked, scheduled } = aNotifier({
        dhcpAgentNotification: false,
        schedule: () => Promise.resolve([anAgent('host-new')]),
      })
      await notifier.publish({ type: 'subnet.create', subnet })
      await notifier.publish({ type: 'port.create', port })
      await notifier.publish({ type: 'network.delete', network: { id: NETWORK_ID } })
      expect(casts).toEqual([])
      expect(looked).toEqual([])
      expect(scheduled).toEqual([])
    })

    it('logs a failed cast with its method and network and goes on with the other agents', async () => {
      const { notifier, casts, lines } = aNotifier({
        agents: [anAgent('host-a'), anAgent('host-b')],
        failWhen: (cast) => cast.server === 'host-a',
      })
      await expect(notifier.publish({ type: 'subnet.create', subnet })).resolves.toBeUndefined()
      expect(casts.map((c) => c.server)).toEqual(['host-b'])
      expect(lines.filter((l) => l.level === LEVEL.error)).toMatchObject([
        { method: 'subnet_create_end', network_id: NETWORK_ID, host: 'host-a' },
      ])
    })

    it('resolves and logs when the fanout cannot be sent', async () => {
      const { notifier, lines } = aNotifier({ failWhen: () => true })
      await expect(
        notifier.publish({ type: 'network.delete', network: { id: NETWORK_ID } }),
      ).resolves.toBeUndefined()
      expect(lines.filter((l) => l.level === LEVEL.error)).toMatchObject([
        { method: 'network_delete_end', network_id: NETWORK_ID, fanout: true },
      ])
    })

    it('resolves and logs when the hosting agents cannot be read', async () => {
      const { log, lines } = capturingLogger()
      const caller = new RecordingCaller()
      const notifier = new DhcpAgentNotifier({
        caller,
        hostingAgents: () => Promise.reject(new Error('database gone')),
        options: { enableServicesOnAgentsWithAdminStateDown: false, dhcpAgentNotification: true },
        log,
      })
      await expect(notifier.publish({ type: 'port.delete', port })).resolves.toBeUndefined()
      expect(caller.casts).toEqual([])
      expect(lines.filter((l) => l.level === LEVEL.error)).toMatchObject([
        { method: 'port_delete_end', network_id: NETWORK_ID },
      ])
    })
  })
})
