import { randomUUID } from 'node:crypto'
import { adminContext } from '../../../src/common/context.js'
import type { DatabaseHandle } from '../../../src/db/database.js'
import { insertAgent } from '../../../src/db/tables/agents.js'
import { CorePlugin } from '../../../src/plugin/core-plugin.js'

/** Scheduler fixtures: agents rows with chosen heartbeats, networks made through the plugin. */
export function stamp(msAgo: number): string {
  return new Date(Date.now() - msAgo).toISOString().slice(0, 19).replace('T', ' ')
}

export async function anAgent(
  handle: DatabaseHandle,
  host: string,
  overrides: { load?: number; admin?: boolean; heartbeatAgoMs?: number; az?: string } = {},
): Promise<string> {
  const id = randomUUID()
  await insertAgent(handle.db, {
    id,
    agent_type: 'DHCP agent',
    binary: 'neutron-dhcp-agent',
    topic: 'dhcp_agent',
    host,
    availability_zone: overrides.az ?? 'nova',
    admin_state_up: overrides.admin === false ? 0 : 1,
    created_at: stamp(3_600_000),
    started_at: stamp(3_600_000),
    heartbeat_timestamp: stamp(overrides.heartbeatAgoMs ?? 1000),
    description: null,
    configurations: '{}',
    resource_versions: null,
    load: overrides.load ?? 0,
    resources_synced: null,
  } as never)
  return id
}

let cidrCounter = 0

/** A network with a DHCP-enabled IPv4 subnet, made through the core plugin. */
export async function aNetworkWithDhcpSubnet(
  handle: DatabaseHandle,
  azHints: string[] = [],
): Promise<string> {
  const plugin = new CorePlugin(handle, {
    baseMac: 'fa:16:3e:00:00:00',
    globalPhysnetMtu: 1500,
    maxDnsNameservers: 5,
    maxSubnetHostRoutes: 20,
    macGenerationRetries: 16,
  })
  const context = adminContext()
  const network = await plugin.networks.create(context, {
    name: 'n',
    admin_state_up: true,
    project_id: 'p',
    availability_zone_hints: azHints,
    description: '',
  })
  const third = cidrCounter++ % 250
  await plugin.subnets.create(context, [
    {
      network_id: network.id,
      ip_version: 4,
      cidr: `198.18.${third}.0/24`,
      dns_nameservers: [],
      host_routes: [],
      enable_dhcp: true,
      ipv6_ra_mode: null,
      ipv6_address_mode: null,
      name: '',
      description: '',
      project_id: 'p',
    },
  ])
  return network.id
}
