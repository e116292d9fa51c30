import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useTestDatabase } from '../../support/databases.js'
import { useTestHost } from '../../support/netns.js'
import { waitFor } from '../../support/rpc.js'
import { startTestStack, type TestStack } from '../../support/stack.js'
import { cleanupAgentState } from '../../support/agent-state.js'
import { join } from 'node:path'
import { existsSync, readFileSync } from 'node:fs'

/**
 * The product, end to end in one process: the REST API and server on the in-process bus, the DHCP
 * agent with real dnsmasq in real namespaces, and a real DHCP client (busybox udhcpc) plugged
 * into the network's bridge with its port's MAC.
 */
describe('leases through the API, the agent and dnsmasq', () => {
  const db = useTestDatabase('sqlite')
  const host = useTestHost()
  let stack: TestStack
  let statePath: string

  beforeEach(async () => {
    stack = await startTestStack(db())
    statePath = host().makeStateDir()
    await stack.startRealAgent(statePath, {
      DEFAULT: { dhcp_lease_duration: '120', dns_domain: 'lh.test' },
    })
  })
  afterEach(async () => {
    await stack.close()
    cleanupAgentState(join(statePath, 'dhcp'))
  })

  async function post(collection: string, body: Record<string, unknown>): Promise<any> {
    const singular = collection.slice(0, -1)
    const response = await stack.api.request('POST', `/v2.0/${collection}`, { [singular]: body })
    expect(response.status, JSON.stringify(response.body)).toBe(201)
    return response.body[singular]
  }

  const hostsFile = (networkId: string) => join(statePath, 'dhcp', networkId, 'host')
  const hostsText = (networkId: string) =>
    existsSync(hostsFile(networkId)) ? readFileSync(hostsFile(networkId), 'utf8') : ''

  async function networkWithSubnet(subnet: Record<string, unknown> = {}) {
    const network = await post('networks', { name: 'leases', mtu: 1400 })
    host().trackNetwork(network.id)
    const created = await post('subnets', {
      network_id: network.id,
      ip_version: 4,
      cidr: '198.18.4.0/24',
      dns_nameservers: ['198.18.4.53', '198.18.4.54'],
      host_routes: [{ destination: '198.19.0.0/16', nexthop: '198.18.4.254' }],
      ...subnet,
    })
    return { network, subnet: created }
  }

  async function clientFor(networkId: string, mac: string) {
    const bridge = `brq${networkId.slice(0, 11)}`
    await waitFor(() => existsSync(`/sys/class/net/${bridge}`), {
      what: `bridge ${bridge}`,
      timeoutMs: 15_000,
    })
    return host().plugClient(bridge, mac)
  }

  it('gives a client exactly its port’s address, router, DNS servers, routes, domain and MTU', async () => {
    const { network } = await networkWithSubnet()
    const port = await post('ports', {
      network_id: network.id,
      fixed_ips: [{ ip_address: '198.18.4.77' }],
    })
    await waitFor(() => hostsText(network.id).includes(port.mac_address), {
      what: 'the host entry',
      timeoutMs: 15_000,
    })
    const lease = await host().runUdhcpc(await clientFor(network.id, port.mac_address))
    expect(lease).toMatchObject({
      ip: '198.18.4.77',
      subnet: '255.255.255.0',
      router: ['198.18.4.1'],
      dns: ['198.18.4.53', '198.18.4.54'],
      domain: 'lh.test',
      mtu: 1400,
      lease: 120,
    })
    expect(lease?.staticroutes).toEqual(['198.19.0.0/16 198.18.4.254', '0.0.0.0/0 198.18.4.1'])
    // The port goes ACTIVE once the agent has told the server its entry is in place.
    let status = ''
    const deadline = Date.now() + 5000
    while (status !== 'ACTIVE' && Date.now() < deadline) {
      status = (await stack.api.request('GET', `/v2.0/ports/${port.id}`)).body.port.status
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(status).toBe('ACTIVE')
  })

  it('serves two subnets on one network', async () => {
    const { network } = await networkWithSubnet()
    await post('subnets', {
      network_id: network.id,
      ip_version: 4,
      cidr: '198.18.5.0/24',
      gateway_ip: '198.18.5.1',
    })
    const subnets = (await stack.api.request('GET', `/v2.0/subnets?network_id=${network.id}`)).body
      .subnets
    const second = subnets.find((s: { cidr: string }) => s.cidr === '198.18.5.0/24')
    const port = await post('ports', {
      network_id: network.id,
      fixed_ips: [{ subnet_id: second.id, ip_address: '198.18.5.9' }],
    })
    await waitFor(() => hostsText(network.id).includes('198.18.5.9'), {
      what: 'the host entry',
      timeoutMs: 15_000,
    })
    const lease = await host().runUdhcpc(await clientFor(network.id, port.mac_address))
    expect(lease).toMatchObject({ ip: '198.18.5.9', router: ['198.18.5.1'] })
  })

  it('follows port create, address change and delete', async () => {
    const { network } = await networkWithSubnet()
    const port = await post('ports', {
      network_id: network.id,
      fixed_ips: [{ ip_address: '198.18.4.20' }],
    })
    await waitFor(() => hostsText(network.id).includes('198.18.4.20'), {
      what: 'the first address',
      timeoutMs: 15_000,
    })
    const client = await clientFor(network.id, port.mac_address)
    expect((await host().runUdhcpc(client))?.ip).toBe('198.18.4.20')
    const moved = await stack.api.request('PUT', `/v2.0/ports/${port.id}`, {
      port: { fixed_ips: [{ ip_address: '198.18.4.21' }] },
    })
    expect(moved.status).toBe(200)
    await waitFor(() => hostsText(network.id).includes('198.18.4.21'), { what: 'the new address' })
    expect((await host().runUdhcpc(client))?.ip).toBe('198.18.4.21')
    expect((await stack.api.request('DELETE', `/v2.0/ports/${port.id}`)).status).toBe(204)
    await waitFor(() => !hostsText(network.id).includes(port.mac_address), {
      what: 'the entry gone',
    })
    const leases = readFileSync(join(statePath, 'dhcp', network.id, 'leases'), 'utf8')
    expect(leases).not.toContain('198.18.4.21')
    expect(await host().runUdhcpc(client, { timeoutMs: 3000 })).toBeUndefined()
  })

  it('respawns a dnsmasq killed with -9 and the client gets its lease again', async () => {
    const { network } = await networkWithSubnet()
    const port = await post('ports', { network_id: network.id })
    await waitFor(() => hostsText(network.id).includes(port.mac_address), {
      what: 'the host entry',
      timeoutMs: 15_000,
    })
    const pidFile = join(statePath, 'dhcp', network.id, 'pid')
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', {
      what: 'the pid file',
    })
    const pid = Number(readFileSync(pidFile, 'utf8'))
    process.kill(pid, 'SIGKILL')
    await waitFor(
      () => {
        const now = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : pid
        return now !== pid && existsSync(`/proc/${now}`)
      },
      { what: 'a new dnsmasq', timeoutMs: 20_000 },
    )
    const lease = await host().runUdhcpc(await clientFor(network.id, port.mac_address))
    expect(lease?.ip).toBe(port.fixed_ips[0].ip_address)
  })

  it('keeps answering renewals while the agent restarts, and adopts the running dnsmasq', async () => {
    const { network } = await networkWithSubnet()
    const port = await post('ports', { network_id: network.id })
    const pidFile = join(statePath, 'dhcp', network.id, 'pid')
    await waitFor(
      () =>
        hostsText(network.id).includes(port.mac_address) &&
        existsSync(pidFile) &&
        readFileSync(pidFile, 'utf8').trim() !== '',
      {
        what: 'the host entry',
        timeoutMs: 15_000,
      },
    )
    const pid = readFileSync(pidFile, 'utf8').trim()
    const client = await clientFor(network.id, port.mac_address)
    const results: (string | undefined)[] = []
    let renewing = true
    const loop = (async () => {
      while (renewing) results.push((await host().runUdhcpc(client, { timeoutMs: 4000 }))?.ip)
    })()
    await waitFor(() => results.length >= 2, {
      what: 'renewals before the restart',
      timeoutMs: 15_000,
    })
    await stack.stopRealAgents()
    const during = results.length
    await waitFor(() => results.length >= during + 2, {
      what: 'renewals without an agent',
      timeoutMs: 15_000,
    })
    await stack.startRealAgent(statePath, {
      DEFAULT: { dhcp_lease_duration: '120', dns_domain: 'lh.test' },
    })
    const after = results.length
    await waitFor(() => results.length >= after + 2, {
      what: 'renewals after the restart',
      timeoutMs: 15_000,
    })
    renewing = false
    await loop
    expect(results.length).toBeGreaterThanOrEqual(6)
    expect(results.every((ip) => ip === port.fixed_ips[0].ip_address)).toBe(true)
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(pid)
  })
})
