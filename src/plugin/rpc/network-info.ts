import type { Network, Port, Subnet } from '../../common/resources.js'
import { toBool, type Executor } from '../../db/schema.js'
import { IN_CHUNK } from '../../db/tables/chunks.js'
import { isBoundToAgent } from '../../db/tables/dhcp-agent-bindings.js'
import { findNetwork, listNetworks } from '../../db/tables/networks.js'
import { listPorts, type PortRow } from '../../db/tables/ports.js'
import { subnetsOfNetworks } from '../../db/tables/subnets.js'
import type { CorePlugin } from '../core-plugin.js'

/** What a DHCP agent is told about a network (spec §2.2, "Network-info dict"). */
export interface NetworkInfo {
  id: string
  project_id: string
  tenant_id: string
  admin_state_up: boolean
  mtu: number
  /** Sorted by id: the agent tags dnsmasq ranges by position. */
  subnets: Subnet[]
  /** Subnets on other segments of routed networks; Leasehold has no segments. */
  non_local_subnets: Subnet[]
  ports: Port[]
}

/** A network as get_active_networks_info returns it: the API view plus its contents. */
export type ActiveNetworkInfo = Omit<Network, 'subnets'> & NetworkInfo

/** The subnets and ports of some networks, grouped by network id. */
interface NetworkContents {
  readonly subnets: Map<string, Subnet[]>
  readonly ports: Map<string, Port[]>
}

function groupByNetwork<T extends { network_id: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) {
    const list = out.get(item.network_id)
    if (list) list.push(item)
    else out.set(item.network_id, [item])
  }
  return out
}

async function portRowsOfNetworks(db: Executor, networkIds: readonly string[]) {
  const rows: PortRow[] = []
  for (let i = 0; i < networkIds.length; i += IN_CHUNK) {
    const chunk = networkIds.slice(i, i + IN_CHUNK)
    rows.push(
      ...(await listPorts(db, {
        filters: [{ column: 'ports.network_id', values: chunk }],
        sorts: [{ column: 'ports.id', direction: 'asc' }],
      })),
    )
  }
  return rows
}

/**
 * Loads the subnets (only DHCP-enabled ones when `dhcpOnly`) and ports of networks with a
 * fixed number of queries per 2000 ids, however many networks and ports there are.
 */
async function contentsOf(
  db: Executor,
  plugin: CorePlugin,
  networkIds: readonly string[],
  dhcpOnly: boolean,
): Promise<NetworkContents> {
  if (networkIds.length === 0) return { subnets: new Map(), ports: new Map() }
  const subnetRows = (await subnetsOfNetworks(db, networkIds)).filter(
    (row) => !dhcpOnly || toBool(row.enable_dhcp),
  )
  const subnets = await plugin.subnets.views(db, subnetRows)
  const ports = await plugin.ports.views(db, await portRowsOfNetworks(db, networkIds))
  return { subnets: groupByNetwork(subnets), ports: groupByNetwork(ports) }
}

/**
 * The admin-up networks bound to an agent, each with its subnets and ports (Neutron's
 * get_active_networks_info after list_active_networks_on_active_dhcp_agent), sorted by id.
 */
export async function activeNetworksInfo(
  db: Executor,
  plugin: CorePlugin,
  options: { agentId: string; dhcpOnly: boolean },
): Promise<ActiveNetworkInfo[]> {
  const rows = await listNetworks(db, {
    filters: [{ column: 'networks.admin_state_up', values: [1] }],
    conditions: [isBoundToAgent(options.agentId)],
    sorts: [{ column: 'networks.id', direction: 'asc' }],
  })
  const networks = await plugin.networks.views(db, rows)
  const contents = await contentsOf(
    db,
    plugin,
    networks.map((n) => n.id),
    options.dhcpOnly,
  )
  return networks.map((network) => ({
    ...network,
    subnets: contents.subnets.get(network.id) ?? [],
    non_local_subnets: [],
    ports: contents.ports.get(network.id) ?? [],
  }))
}

/** One network with its DHCP-enabled subnets and all its ports, or null when it is gone. */
export async function networkInfo(
  db: Executor,
  plugin: CorePlugin,
  networkId: string,
): Promise<NetworkInfo | null> {
  const row = await findNetwork(db, networkId)
  if (!row) return null
  const contents = await contentsOf(db, plugin, [row.id], true)
  return {
    id: row.id,
    project_id: row.project_id ?? '',
    tenant_id: row.project_id ?? '',
    admin_state_up: toBool(row.admin_state_up),
    mtu: Number(row.mtu),
    subnets: contents.subnets.get(row.id) ?? [],
    non_local_subnets: [],
    ports: contents.ports.get(row.id) ?? [],
  }
}
