import { randomBytes } from 'node:crypto'
import type { BenchClient, BenchResponse } from './http-client.js'

/** REST calls of the agent benchmark (as admin, noauth). */

/** A network the benchmark made, with the MACs of the ports on it (not the DHCP port). */
export interface BenchNetwork {
  readonly id: string
  readonly macs: string[]
}

function expectStatus(response: BenchResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 300)}`)
  }
}

/** A random MAC in Neutron's `fa:16:3e` range (for ports whose client is plugged first). */
export function randomMac(): string {
  const bytes = [...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))
  return `fa:16:3e:${bytes.join(':')}`
}

/** Creates a network and an IPv4 subnet of `cidr` on it; returns the network id. */
export async function createNetwork(
  client: BenchClient,
  options: { name: string; cidr: string },
): Promise<string> {
  const network = await client.request('POST', '/v2.0/networks', {
    network: { name: options.name },
  })
  expectStatus(network, 201, 'create network')
  const id = (JSON.parse(network.text) as { network: { id: string } }).network.id
  const subnet = await client.request('POST', '/v2.0/subnets', {
    subnet: { network_id: id, ip_version: 4, cidr: options.cidr, name: `${options.name}-v4` },
  })
  expectStatus(subnet, 201, 'create subnet')
  return id
}

/** Creates one port (with `mac` when given); returns its id and MAC. */
export async function createPort(
  client: BenchClient,
  networkId: string,
  mac?: string,
): Promise<{ id: string; mac: string }> {
  const body = {
    port: {
      network_id: networkId,
      device_owner: 'compute:bench',
      ...(mac === undefined ? {} : { mac_address: mac }),
    },
  }
  const response = await client.request('POST', '/v2.0/ports', body)
  expectStatus(response, 201, 'create port')
  const port = (JSON.parse(response.text) as { port: { id: string; mac_address: string } }).port
  return { id: port.id, mac: port.mac_address }
}

/** Creates `count` ports in one bulk POST; returns their MACs. */
export async function createPorts(
  client: BenchClient,
  networkId: string,
  count: number,
): Promise<string[]> {
  const ports = Array.from({ length: count }, () => ({
    network_id: networkId,
    device_owner: 'compute:bench',
  }))
  const response = await client.request('POST', '/v2.0/ports', { ports })
  expectStatus(response, 201, 'bulk create ports')
  return (JSON.parse(response.text) as { ports: { mac_address: string }[] }).ports.map(
    (port) => port.mac_address,
  )
}

/** Deletes a network after the ports on it that are not the DHCP port's. */
export async function deleteNetwork(client: BenchClient, networkId: string): Promise<void> {
  const listed = await client.request('GET', `/v2.0/ports?network_id=${networkId}&fields=id`)
  expectStatus(listed, 200, 'list ports')
  const dhcp = await client.request(
    'GET',
    `/v2.0/ports?network_id=${networkId}&device_owner=network:dhcp&fields=id`,
  )
  expectStatus(dhcp, 200, 'list DHCP ports')
  const ids = (text: string) =>
    (JSON.parse(text) as { ports: { id: string }[] }).ports.map((p) => p.id)
  const keep = new Set(ids(dhcp.text))
  for (const id of ids(listed.text)) {
    if (keep.has(id)) continue
    expectStatus(await client.request('DELETE', `/v2.0/ports/${id}`), 204, 'delete port')
  }
  expectStatus(await client.request('DELETE', `/v2.0/networks/${networkId}`), 204, 'delete network')
}

/**
 * Creates networks (`cidr` each: they are separate L2 domains) with `ports` ports each until
 * `target` exist, `concurrency` at a time; `onCreated` gets each network's id at once, so its
 * namespace and bridge are cleaned up even if a later step fails.
 */
export async function growNetworks(
  client: BenchClient,
  networks: BenchNetwork[],
  options: {
    target: number
    ports: number
    cidr: string
    concurrency: number
    onCreated: (id: string) => void
  },
): Promise<void> {
  let next = networks.length
  const worker = async () => {
    while (next < options.target) {
      const n = next++
      const id = await createNetwork(client, { name: `bench-net-${n}`, cidr: options.cidr })
      options.onCreated(id)
      networks.push({ id, macs: await createPorts(client, id, options.ports) })
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
}
