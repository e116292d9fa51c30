import type { Executor } from '../schema.js'
import { inChunks } from './chunks.js'

/** An allocation pool as stored: first and last address, inclusive. */
export interface PoolRow {
  readonly subnet_id: string
  readonly first_ip: string
  readonly last_ip: string
}

/** A host route as stored. */
export interface RouteRow {
  readonly subnet_id: string
  readonly destination: string
  readonly nexthop: string
}

/** Pools, DNS servers (in order) and routes of some subnets. */
export interface SubnetDetails {
  readonly pools: Map<string, PoolRow[]>
  readonly dns: Map<string, string[]>
  readonly routes: Map<string, RouteRow[]>
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** Loads pools, DNS servers and host routes of the given subnets. */
export async function subnetDetails(
  db: Executor,
  subnetIds: readonly string[],
): Promise<SubnetDetails> {
  const details: SubnetDetails = { pools: new Map(), dns: new Map(), routes: new Map() }
  await inChunks(subnetIds, async (chunk) => {
    const pools = await db
      .selectFrom('ipallocationpools')
      .select(['subnet_id', 'first_ip', 'last_ip'])
      .where('subnet_id', 'in', chunk)
      .execute()
    for (const pool of pools) push(details.pools, pool.subnet_id, pool)
    const servers = await db
      .selectFrom('dnsnameservers')
      .select(['subnet_id', 'address', 'order'])
      .where('subnet_id', 'in', chunk)
      .orderBy('order')
      .execute()
    for (const server of servers) push(details.dns, server.subnet_id, server.address)
    const routes = await db
      .selectFrom('subnetroutes')
      .select(['subnet_id', 'destination', 'nexthop'])
      .where('subnet_id', 'in', chunk)
      .execute()
    for (const route of routes) push(details.routes, route.subnet_id, route)
  })
  return details
}

/** Allocation pools of the given subnets (all IPAM needs). */
export async function poolsOfSubnets(
  db: Executor,
  subnetIds: readonly string[],
): Promise<Map<string, PoolRow[]>> {
  const pools = new Map<string, PoolRow[]>()
  await inChunks(subnetIds, async (chunk) => {
    const rows = await db
      .selectFrom('ipallocationpools')
      .select(['subnet_id', 'first_ip', 'last_ip'])
      .where('subnet_id', 'in', chunk)
      .execute()
    for (const row of rows) push(pools, row.subnet_id, row)
  })
  return pools
}

/** Replaces a subnet's allocation pools. */
export async function replacePools(
  db: Executor,
  subnetId: string,
  pools: readonly { id: string; first_ip: string; last_ip: string }[],
): Promise<void> {
  await db.deleteFrom('ipallocationpools').where('subnet_id', '=', subnetId).execute()
  if (pools.length === 0) return
  await db
    .insertInto('ipallocationpools')
    .values(pools.map((p) => ({ ...p, subnet_id: subnetId })))
    .execute()
}

/** Replaces a subnet's DNS servers, keeping their order. */
export async function replaceDnsNameservers(
  db: Executor,
  subnetId: string,
  addresses: readonly string[],
): Promise<void> {
  await db.deleteFrom('dnsnameservers').where('subnet_id', '=', subnetId).execute()
  if (addresses.length === 0) return
  await db
    .insertInto('dnsnameservers')
    .values(addresses.map((address, order) => ({ address, subnet_id: subnetId, order })))
    .execute()
}

/** Replaces a subnet's host routes. */
export async function replaceRoutes(
  db: Executor,
  subnetId: string,
  routes: readonly { destination: string; nexthop: string }[],
): Promise<void> {
  await db.deleteFrom('subnetroutes').where('subnet_id', '=', subnetId).execute()
  if (routes.length === 0) return
  await db
    .insertInto('subnetroutes')
    .values(routes.map((r) => ({ ...r, subnet_id: subnetId })))
    .execute()
}
