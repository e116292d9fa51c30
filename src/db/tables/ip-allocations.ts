import type { Executor } from '../schema.js'
import { inChunks } from './chunks.js'

/** One IP address held by a port. */
export interface AllocationRow {
  readonly port_id: string | null
  readonly ip_address: string
  readonly subnet_id: string
  readonly network_id: string
}

/** Fixed IPs per port, in insertion order of subnets as stored. */
export async function allocationsByPort(
  db: Executor,
  portIds: readonly string[],
): Promise<Map<string, AllocationRow[]>> {
  const out = new Map<string, AllocationRow[]>()
  await inChunks(portIds, async (chunk) => {
    const rows = await db
      .selectFrom('ipallocations')
      .select(['port_id', 'ip_address', 'subnet_id', 'network_id'])
      .where('port_id', 'in', chunk)
      .execute()
    for (const row of rows) {
      if (row.port_id === null) continue
      const list = out.get(row.port_id)
      if (list) list.push(row)
      else out.set(row.port_id, [row])
    }
  })
  return out
}

/** Every allocated address of a subnet. */
export async function allocatedAddresses(db: Executor, subnetId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('ipallocations')
    .select('ip_address')
    .where('subnet_id', '=', subnetId)
    .execute()
  return rows.map((r) => r.ip_address)
}

/** Which of `candidates` are already allocated in a subnet. */
export async function takenAmong(
  db: Executor,
  subnetId: string,
  candidates: readonly string[],
): Promise<Set<string>> {
  if (candidates.length === 0) return new Set()
  const rows = await db
    .selectFrom('ipallocations')
    .select('ip_address')
    .where('subnet_id', '=', subnetId)
    .where('ip_address', 'in', candidates)
    .execute()
  return new Set(rows.map((r) => r.ip_address))
}

/** Records addresses as held by a port. A taken address violates the primary key. */
export async function insertAllocations(
  db: Executor,
  rows: readonly AllocationRow[],
): Promise<void> {
  if (rows.length === 0) return
  await db
    .insertInto('ipallocations')
    .values([...rows])
    .execute()
}

/** Releases some of a port's addresses. */
export async function deleteAllocations(
  db: Executor,
  portId: string,
  addresses: readonly { ip_address: string; subnet_id: string }[],
): Promise<void> {
  for (const a of addresses) {
    await db
      .deleteFrom('ipallocations')
      .where('port_id', '=', portId)
      .where('ip_address', '=', a.ip_address)
      .where('subnet_id', '=', a.subnet_id)
      .execute()
  }
}

/** Ports holding an address on a subnet, and how many addresses each. */
export async function portsOnSubnet(db: Executor, subnetId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('ipallocations')
    .select('port_id')
    .distinct()
    .where('subnet_id', '=', subnetId)
    .execute()
  return rows.flatMap((r) => (r.port_id === null ? [] : [r.port_id]))
}
