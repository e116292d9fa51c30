import type { DatabaseHandle } from '../../db/database.js'
import type { Executor } from '../../db/schema.js'
import { IN_CHUNK } from '../../db/tables/chunks.js'
import { listPorts, updatePort, type PortRow } from '../../db/tables/ports.js'
import {
  provisioningBlocksOf,
  removeProvisioningBlocks,
} from '../../db/tables/provisioning-blocks.js'
import { bumpRevision, utcNow } from '../../db/tables/standard-attributes.js'
import { inTransaction } from '../transaction.js'

async function portRows(db: Executor, portIds: readonly string[]): Promise<PortRow[]> {
  const rows: PortRow[] = []
  for (let i = 0; i < portIds.length; i += IN_CHUNK) {
    const chunk = portIds.slice(i, i + IN_CHUNK)
    rows.push(
      ...(await listPorts(db, { filters: [{ column: 'ports.id', values: chunk }], sorts: [] })),
    )
  }
  return rows
}

/**
 * Clears the `DHCP` provisioning block of each port (Neutron's provisioning_complete), then
 * sets every DOWN port that nothing blocks any more to ACTIVE. Unknown ports are skipped.
 * Returns the ids of the ports that became ACTIVE.
 */
export async function completeDhcpProvisioning(
  handle: DatabaseHandle,
  portIds: readonly string[],
): Promise<string[]> {
  if (portIds.length === 0) return []
  // spec §3.7: the removal is committed before the remaining blocks are read, as Neutron
  // does, so a block added meanwhile by another writer is seen.
  await inTransaction(handle, async (trx) => {
    const rows = await portRows(trx, portIds)
    await removeProvisioningBlocks(
      trx,
      rows.map((r) => Number(r.standard_attr_id)),
      'DHCP',
    )
  })
  return inTransaction(handle, async (trx) => {
    const down = (await portRows(trx, portIds)).filter((r) => r.status === 'DOWN')
    const blocks = await provisioningBlocksOf(
      trx,
      down.map((r) => Number(r.standard_attr_id)),
    )
    const unblocked = down.filter((r) => !blocks.has(Number(r.standard_attr_id)))
    const now = utcNow()
    for (const row of unblocked) {
      await updatePort(trx, row.id, { status: 'ACTIVE' })
      await bumpRevision(trx, Number(row.standard_attr_id), { now })
    }
    return unblocked.map((r) => r.id)
  })
}
