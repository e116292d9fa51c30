import type { Executor } from '../schema.js'
import { inChunks } from './chunks.js'
import { applyListSpec, type ListSpec } from './list-query.js'

/** A subnet row joined with its standard attributes. */
export interface SubnetRow {
  id: string
  project_id: string | null
  name: string | null
  network_id: string
  segment_id: string | null
  subnetpool_id: string | null
  ip_version: number
  cidr: string
  gateway_ip: string | null
  enable_dhcp: boolean | number | null
  ipv6_ra_mode: string | null
  ipv6_address_mode: string | null
  standard_attr_id: number
  description: string | null
  revision_number: number
  created_at: string
  updated_at: string | null
}

/** Qualified columns a list may filter and sort on, by API attribute name. */
export const subnetColumns: Readonly<Record<string, string>> = {
  id: 'subnets.id',
  name: 'subnets.name',
  project_id: 'subnets.project_id',
  tenant_id: 'subnets.project_id',
  network_id: 'subnets.network_id',
  segment_id: 'subnets.segment_id',
  subnetpool_id: 'subnets.subnetpool_id',
  ip_version: 'subnets.ip_version',
  cidr: 'subnets.cidr',
  gateway_ip: 'subnets.gateway_ip',
  enable_dhcp: 'subnets.enable_dhcp',
  ipv6_ra_mode: 'subnets.ipv6_ra_mode',
  ipv6_address_mode: 'subnets.ipv6_address_mode',
  description: 'standardattributes.description',
  revision_number: 'standardattributes.revision_number',
  created_at: 'standardattributes.created_at',
  updated_at: 'standardattributes.updated_at',
}

function selectSubnets(db: Executor) {
  return db
    .selectFrom('subnets')
    .innerJoin('standardattributes', 'standardattributes.id', 'subnets.standard_attr_id')
    .select([
      'subnets.id',
      'subnets.project_id',
      'subnets.name',
      'subnets.network_id',
      'subnets.segment_id',
      'subnets.subnetpool_id',
      'subnets.ip_version',
      'subnets.cidr',
      'subnets.gateway_ip',
      'subnets.enable_dhcp',
      'subnets.ipv6_ra_mode',
      'subnets.ipv6_address_mode',
      'subnets.standard_attr_id',
      'standardattributes.description',
      'standardattributes.revision_number',
      'standardattributes.created_at',
      'standardattributes.updated_at',
    ])
}

/** The columns written when a subnet is created. */
export interface NewSubnetRow {
  id: string
  project_id: string
  name: string
  network_id: string
  ip_version: number
  cidr: string
  gateway_ip: string | null
  enable_dhcp: number
  ipv6_ra_mode: string | null
  ipv6_address_mode: string | null
  subnetpool_id: string | null
  segment_id: string | null
  standard_attr_id: number
}

/** Inserts a subnet row. */
export async function insertSubnet(db: Executor, row: NewSubnetRow): Promise<void> {
  await db.insertInto('subnets').values(row).execute()
}

/** One subnet by id, or undefined. */
export async function findSubnet(db: Executor, subnetId: string): Promise<SubnetRow | undefined> {
  return selectSubnets(db).where('subnets.id', '=', subnetId).executeTakeFirst()
}

/** Subnets matching a list spec. */
export async function listSubnets(db: Executor, spec: ListSpec): Promise<SubnetRow[]> {
  return applyListSpec(selectSubnets(db), spec).execute()
}

/** The subnets of some networks, ordered by id. */
export async function subnetsOfNetworks(
  db: Executor,
  networkIds: readonly string[],
): Promise<SubnetRow[]> {
  const out: SubnetRow[] = []
  await inChunks(networkIds, async (chunk) => {
    out.push(...(await selectSubnets(db).where('subnets.network_id', 'in', chunk).execute()))
  })
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** Subnet ids per network, each list sorted. */
export async function subnetIdsByNetwork(
  db: Executor,
  networkIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  await inChunks(networkIds, async (chunk) => {
    const rows = await db
      .selectFrom('subnets')
      .select(['id', 'network_id'])
      .where('network_id', 'in', chunk)
      .execute()
    for (const row of rows) {
      const list = out.get(row.network_id) ?? []
      list.push(row.id)
      out.set(row.network_id, list)
    }
  })
  for (const list of out.values()) list.sort()
  return out
}

/** Updates a subnet's own columns. */
export async function updateSubnet(
  db: Executor,
  subnetId: string,
  changes: Partial<{ name: string; gateway_ip: string | null; enable_dhcp: number }>,
): Promise<void> {
  if (Object.keys(changes).length === 0) return
  await db.updateTable('subnets').set(changes).where('id', '=', subnetId).execute()
}

/** Deletes a subnet row (pools, DNS servers and routes cascade). */
export async function deleteSubnet(db: Executor, subnetId: string): Promise<void> {
  await db.deleteFrom('subnets').where('id', '=', subnetId).execute()
}
