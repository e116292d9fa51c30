import type { Executor } from '../schema.js'
import { inChunks } from './chunks.js'

/** An extra DHCP option of a port. */
export interface ExtraDhcpOptRow {
  readonly id: string
  readonly port_id: string
  readonly opt_name: string
  readonly opt_value: string
  readonly ip_version: number
}

/** Extra DHCP options per port. */
export async function extraDhcpOptsByPort(
  db: Executor,
  portIds: readonly string[],
): Promise<Map<string, ExtraDhcpOptRow[]>> {
  const out = new Map<string, ExtraDhcpOptRow[]>()
  await inChunks(portIds, async (chunk) => {
    const rows = await db
      .selectFrom('extradhcpopts')
      .select(['id', 'port_id', 'opt_name', 'opt_value', 'ip_version'])
      .where('port_id', 'in', chunk)
      .orderBy('opt_name')
      .execute()
    for (const row of rows) {
      const list = out.get(row.port_id)
      if (list) list.push(row)
      else out.set(row.port_id, [row])
    }
  })
  return out
}

/** Adds options to a port. */
export async function insertExtraDhcpOpts(
  db: Executor,
  rows: readonly ExtraDhcpOptRow[],
): Promise<void> {
  if (rows.length === 0) return
  await db
    .insertInto('extradhcpopts')
    .values([...rows])
    .execute()
}

/** Changes the value of one option. */
export async function updateExtraDhcpOpt(
  db: Executor,
  id: string,
  optValue: string,
): Promise<void> {
  await db.updateTable('extradhcpopts').set({ opt_value: optValue }).where('id', '=', id).execute()
}

/** Removes options by id. */
export async function deleteExtraDhcpOpts(db: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  await db.deleteFrom('extradhcpopts').where('id', 'in', ids).execute()
}
