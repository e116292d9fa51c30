import { sql, type Expression, type SqlBool } from 'kysely'
import type { Executor } from '../schema.js'
import { applyListSpec, type ListSpec } from './list-query.js'

/** A port row joined with its standard attributes and binding host. */
export interface PortRow {
  id: string
  project_id: string | null
  name: string | null
  network_id: string
  mac_address: string
  admin_state_up: boolean | number
  status: string
  device_id: string
  device_owner: string
  ip_allocation: string | null
  standard_attr_id: number
  description: string | null
  revision_number: number
  created_at: string
  updated_at: string | null
  host: string | null
}

/** Qualified columns a list may filter and sort on, by API attribute name. */
export const portColumns: Readonly<Record<string, string>> = {
  id: 'ports.id',
  name: 'ports.name',
  project_id: 'ports.project_id',
  tenant_id: 'ports.project_id',
  network_id: 'ports.network_id',
  mac_address: 'ports.mac_address',
  admin_state_up: 'ports.admin_state_up',
  status: 'ports.status',
  device_id: 'ports.device_id',
  device_owner: 'ports.device_owner',
  ip_allocation: 'ports.ip_allocation',
  'binding:host_id': 'ml2_port_bindings.host',
  description: 'standardattributes.description',
  revision_number: 'standardattributes.revision_number',
  created_at: 'standardattributes.created_at',
  updated_at: 'standardattributes.updated_at',
}

function selectPorts(db: Executor) {
  return db
    .selectFrom('ports')
    .innerJoin('standardattributes', 'standardattributes.id', 'ports.standard_attr_id')
    .leftJoin('ml2_port_bindings', 'ml2_port_bindings.port_id', 'ports.id')
    .select([
      'ports.id',
      'ports.project_id',
      'ports.name',
      'ports.network_id',
      'ports.mac_address',
      'ports.admin_state_up',
      'ports.status',
      'ports.device_id',
      'ports.device_owner',
      'ports.ip_allocation',
      'ports.standard_attr_id',
      'standardattributes.description',
      'standardattributes.revision_number',
      'standardattributes.created_at',
      'standardattributes.updated_at',
      'ml2_port_bindings.host',
    ])
}

/** The columns written when a port is created. */
export interface NewPortRow {
  id: string
  project_id: string
  name: string
  network_id: string
  mac_address: string
  admin_state_up: number
  status: string
  device_id: string
  device_owner: string
  ip_allocation: string
  standard_attr_id: number
}

/** Inserts a port row and its binding row. */
export async function insertPort(db: Executor, row: NewPortRow, host: string): Promise<void> {
  await db.insertInto('ports').values(row).execute()
  await db
    .insertInto('ml2_port_bindings')
    .values({
      port_id: row.id,
      host,
      vif_type: 'unbound',
      vnic_type: 'normal',
      profile: '',
      vif_details: '',
      status: 'ACTIVE',
    })
    .execute()
}

/** One port by id, or undefined. */
export async function findPort(db: Executor, portId: string): Promise<PortRow | undefined> {
  return selectPorts(db).where('ports.id', '=', portId).executeTakeFirst()
}

/** Ports matching a list spec. */
export async function listPorts(db: Executor, spec: ListSpec): Promise<PortRow[]> {
  return applyListSpec(selectPorts(db), spec).execute()
}

/** The condition "the port has a fixed IP matching all of `match`" (the `fixed_ips` filter). */
export function hasFixedIp(match: {
  ip_address?: string
  subnet_id?: string
}): Expression<SqlBool> {
  const parts = [sql`ipallocations.port_id = ports.id`]
  if (match.ip_address !== undefined)
    parts.push(sql`ipallocations.ip_address = ${match.ip_address}`)
  if (match.subnet_id !== undefined) parts.push(sql`ipallocations.subnet_id = ${match.subnet_id}`)
  return sql<SqlBool>`exists (select 1 from ipallocations where ${sql.join(parts, sql` and `)})`
}

/** Whether a MAC address is used on a network (by another port than `exceptPortId`). */
export async function isMacInUse(
  db: Executor,
  networkId: string,
  macAddress: string,
  exceptPortId?: string,
): Promise<boolean> {
  let query = db
    .selectFrom('ports')
    .select('id')
    .where('network_id', '=', networkId)
    .where('mac_address', '=', macAddress)
  if (exceptPortId !== undefined) query = query.where('id', '!=', exceptPortId)
  return (await query.executeTakeFirst()) !== undefined
}

/** Ports of a network that are not owned by one of `autoDeleteOwners`. */
export async function countPortsExceptOwners(
  db: Executor,
  networkId: string,
  autoDeleteOwners: readonly string[],
): Promise<number> {
  const row = await db
    .selectFrom('ports')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('network_id', '=', networkId)
    .where('device_owner', 'not in', autoDeleteOwners)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Updates a port's own columns. */
export async function updatePort(
  db: Executor,
  portId: string,
  changes: Partial<{
    name: string
    admin_state_up: number
    mac_address: string
    device_id: string
    device_owner: string
    status: string
  }>,
): Promise<void> {
  if (Object.keys(changes).length === 0) return
  await db.updateTable('ports').set(changes).where('id', '=', portId).execute()
}

/** Sets the host a port is bound to. */
export async function updatePortHost(db: Executor, portId: string, host: string): Promise<void> {
  await db.updateTable('ml2_port_bindings').set({ host }).where('port_id', '=', portId).execute()
}

/** Deletes a port row (its allocations, options and binding cascade). */
export async function deletePort(db: Executor, portId: string): Promise<void> {
  await db.deleteFrom('ports').where('id', '=', portId).execute()
}

/** Ids and standard-attribute ids of a network's ports owned by one of `owners`. */
export async function portsOwnedBy(
  db: Executor,
  networkId: string,
  owners: readonly string[],
): Promise<{ id: string; standard_attr_id: number }[]> {
  return db
    .selectFrom('ports')
    .select(['id', 'standard_attr_id'])
    .where('network_id', '=', networkId)
    .where('device_owner', 'in', owners)
    .execute()
}
