import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { adminContext } from '../../../src/common/context.js'
import { dhcpAgentDeviceId } from '../../../src/common/dhcp-port.js'
import { bindNetwork } from '../../../src/db/tables/dhcp-agent-bindings.js'
import { CorePlugin } from '../../../src/plugin/core-plugin.js'
import { DeadAgentMonitor } from '../../../src/scheduler/dead-agents.js'
import { NetworkScheduler } from '../../../src/scheduler/network-scheduler.js'
import { testDatabases, useTestDatabase } from '../../support/databases.js'
import { aNetworkWithDhcpSubnet, anAgent } from './fixtures.js'

const log = pino({ level: 'silent' })

for (const engine of testDatabases()) {
  describe(`${engine}: automatic DHCP failover`, () => {
    const db = useTestDatabase(engine)

    function monitor(added: [string, string][]) {
      const scheduler = new NetworkScheduler(
        db(),
        {
          kind: 'weight',
          dhcpAgentsPerNetwork: 1,
          agentDownTime: 75,
          defaultAvailabilityZones: [],
        },
        log,
      )
      return new DeadAgentMonitor(
        db(),
        scheduler,
        async (networkId, host) => void added.push([networkId, host]),
        {
          agentDownTime: 75,
          log,
        },
      )
    }

    async function networkOnDeadAgent() {
      const dead = await anAgent(db(), 'dead-host', { heartbeatAgoMs: 200_000 })
      const networkId = await aNetworkWithDhcpSubnet(db())
      await bindNetwork(db().db, { network_id: networkId, dhcp_agent_id: dead, binding_index: 1 })
      const plugin = new CorePlugin(db(), {
        baseMac: 'fa:16:3e:00:00:00',
        globalPhysnetMtu: 1500,
        maxDnsNameservers: 5,
        maxSubnetHostRoutes: 20,
        macGenerationRetries: 16,
      })
      const [port] = await plugin.ports.create(adminContext(), [
        {
          network_id: networkId,
          name: '',
          admin_state_up: true,
          device_id: dhcpAgentDeviceId(networkId, 'dead-host'),
          device_owner: 'network:dhcp',
          project_id: 'p',
          description: '',
        },
      ])
      return { dead, networkId, port: port! }
    }

    it('moves a dead agent’s network to a live one and keeps its DHCP port for it', async () => {
      const live = await anAgent(db(), 'live-host')
      const { networkId, port } = await networkOnDeadAgent()
      const added: [string, string][] = []
      expect(await monitor(added).check()).toEqual([networkId])
      const bindings = await db().db.selectFrom('networkdhcpagentbindings').selectAll().execute()
      expect(bindings).toEqual([{ network_id: networkId, dhcp_agent_id: live, binding_index: 1 }])
      expect(added).toEqual([[networkId, 'live-host']])
      const reserved = await db()
        .db.selectFrom('ports')
        .select('device_id')
        .where('id', '=', port.id)
        .executeTakeFirst()
      expect(reserved?.device_id).toBe('reserved_dhcp_port')
    })

    it('moves each network once when two servers check at the same time', async () => {
      await anAgent(db(), 'live-host')
      const { networkId } = await networkOnDeadAgent()
      const added: [string, string][] = []
      const [one, two] = await Promise.all([monitor(added).check(), monitor(added).check()])
      expect([...one, ...two]).toEqual([networkId])
      expect(added).toHaveLength(1)
      const bindings = await db().db.selectFrom('networkdhcpagentbindings').selectAll().execute()
      expect(bindings).toHaveLength(1)
    })

    it('moves nothing when no DHCP agent is alive (the server may be the one cut off)', async () => {
      const { dead } = await networkOnDeadAgent()
      const added: [string, string][] = []
      expect(await monitor(added).check()).toEqual([])
      const bindings = await db().db.selectFrom('networkdhcpagentbindings').selectAll().execute()
      expect(bindings.map((b) => b.dhcp_agent_id)).toEqual([dead])
    })

    it('leaves an agent that is down but not yet past twice agent_down_time', async () => {
      await anAgent(db(), 'live-host')
      const late = await anAgent(db(), 'late-host', { heartbeatAgoMs: 100_000 })
      const networkId = await aNetworkWithDhcpSubnet(db())
      await bindNetwork(db().db, { network_id: networkId, dhcp_agent_id: late, binding_index: 1 })
      expect(await monitor([]).check()).toEqual([])
    })
  })
}
