import type { Executor } from '../schema.js'
import { applyListSpec, type ListSpec } from './list-query.js'

/** A network row joined with its standard attributes. */
export interface NetworkRow {
  id: string
  project_id: string | null
  name: string | null
  status: string | null
  admin_state_up: boolean | number | null
  shared: boolean | number
  mtu: number
  availability_zone_hints: string | null
  vlan_transparent: boolean | number | null
  standard_attr_id: number
  description: string | null
  revision_number: number
  created_at: string
  updated_at: string | null
}

/** Qualified columns a list may filter and sort on, by API attribute name. */
export const networkColumns: Readonly<Record<string, string>> = {
  id: 'networks.id',
  name: 'networks.name',
  project_id: 'networks.project_id',
  tenant_id: 'networks.project_id',
  status: 'networks.status',
  admin_state_up: 'networks.admin_state_up',
  shared: 'networks.shared',
  mtu: 'networks.mtu',
  description: 'standardattributes.description',
  revision_number: 'standardattributes.revision_number',
  created_at: 'standardattributes.created_at',
  updated_at: 'standardattributes.updated_at',
}

function selectNetworks(db: Executor) {
  return db
    .selectFrom('networks')
    .innerJoin('standardattributes', 'standardattributes.id', 'networks.standard_attr_id')
    .select([
      'networks.id',
      'networks.project_id',
      'networks.name',
      'networks.status',
      'networks.admin_state_up',
      'networks.shared',
      'networks.mtu',
      'networks.availability_zone_hints',
      'networks.vlan_transparent',
      'networks.standard_attr_id',
      'standardattributes.description',
      'standardattributes.revision_number',
      'standardattributes.created_at',
      'standardattributes.updated_at',
    ])
}

/** Inserts a network row. */
export async function insertNetwork(
  db: Executor,
  row: {
    id: string
    project_id: string
    name: string
    status: string
    admin_state_up: number
    shared: number
    mtu: number
    availability_zone_hints: string
    standard_attr_id: number
  },
): Promise<void> {
  await db.insertInto('networks').values(row).execute()
}

/** One network by id, or undefined. */
export async function findNetwork(
  db: Executor,
  networkId: string,
): Promise<NetworkRow | undefined> {
  return selectNetworks(db).where('networks.id', '=', networkId).executeTakeFirst()
}

/** One network by id, locked for update when `rowLocks` (the engine supports it). */
export async function lockNetwork(
  db: Executor,
  networkId: string,
  rowLocks: boolean,
): Promise<NetworkRow | undefined> {
  const query = selectNetworks(db).where('networks.id', '=', networkId)
  return (rowLocks ? query.forUpdate() : query).executeTakeFirst()
}

/** Networks matching a list spec. */
export async function listNetworks(db: Executor, spec: ListSpec): Promise<NetworkRow[]> {
  return applyListSpec(selectNetworks(db), spec).execute()
}

/** Updates a network's own columns. */
export async function updateNetwork(
  db: Executor,
  networkId: string,
  changes: Partial<{ name: string; admin_state_up: number; shared: number; mtu: number }>,
): Promise<void> {
  if (Object.keys(changes).length === 0) return
  await db.updateTable('networks').set(changes).where('id', '=', networkId).execute()
}

/** Deletes a network row. */
export async function deleteNetwork(db: Executor, networkId: string): Promise<void> {
  await db.deleteFrom('networks').where('id', '=', networkId).execute()
}
