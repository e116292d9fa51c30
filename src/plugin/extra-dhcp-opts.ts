import { randomUUID } from 'node:crypto'
import type { Executor } from '../db/schema.js'
import {
  deleteExtraDhcpOpts,
  insertExtraDhcpOpts,
  updateExtraDhcpOpt,
  type ExtraDhcpOptRow,
} from '../db/tables/extra-dhcp-opts.js'

/** A requested extra DHCP option; a null value deletes the option on update. */
export interface ExtraDhcpOptRequest {
  opt_name: string
  opt_value: string | null
  ip_version: 4 | 6
}

/** Options whose value may be the empty string (Neutron's VALID_BLANK_EXTRA_DHCP_OPTS). */
const BLANK_ALLOWED = ['router', 'classless-static-route']

function isRefusedBlank(request: ExtraDhcpOptRequest): boolean {
  return request.opt_value === '' && !BLANK_ALLOWED.includes(request.opt_name)
}

/**
 * Merges requested options into a port's, as Neutron does: matched by (name, ip_version);
 * a null value removes the option, an empty value (for most names) is ignored, others are
 * added or changed, and options not named are kept.
 */
export async function mergeExtraDhcpOpts(
  db: Executor,
  portId: string,
  existing: readonly ExtraDhcpOptRow[],
  requests: readonly ExtraDhcpOptRequest[],
): Promise<void> {
  const removed: string[] = []
  const added: ExtraDhcpOptRow[] = []
  for (const request of requests) {
    const match = existing.find(
      (o) => o.opt_name === request.opt_name && Number(o.ip_version) === request.ip_version,
    )
    const pending = added.findIndex(
      (o) => o.opt_name === request.opt_name && o.ip_version === request.ip_version,
    )
    if (pending >= 0) added.splice(pending, 1)
    if (request.opt_value === null) {
      if (match) removed.push(match.id)
      continue
    }
    if (isRefusedBlank(request)) continue
    const value = request.opt_value ?? ''
    if (match) {
      if (match.opt_value !== value) await updateExtraDhcpOpt(db, match.id, value)
    } else {
      added.push({
        id: randomUUID(),
        port_id: portId,
        opt_name: request.opt_name,
        opt_value: value,
        ip_version: request.ip_version,
      })
    }
  }
  await deleteExtraDhcpOpts(db, removed)
  await insertExtraDhcpOpts(db, added)
}
