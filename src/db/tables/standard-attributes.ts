import type { DialectTraits } from '../dialect.js'
import type { Executor } from '../schema.js'

/** Columns shared by networks, subnets and ports (Neutron's `standardattributes`). */
export interface StandardAttributesRow {
  readonly id: number
  readonly description: string | null
  readonly revision_number: number
  readonly created_at: string
  readonly updated_at: string | null
}

/** The current time as the database stores it: UTC `YYYY-MM-DD HH:MM:SS`. */
export function utcNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ')
}

/** Inserts a standard-attributes row and returns its id. */
export async function insertStandardAttributes(
  db: Executor,
  traits: DialectTraits,
  row: { resourceType: string; description: string; now: string },
): Promise<number> {
  const query = db.insertInto('standardattributes').values({
    resource_type: row.resourceType,
    description: row.description,
    revision_number: 0,
    created_at: row.now,
    updated_at: row.now,
  })
  if (traits.supportsReturning) {
    const inserted = await query.returning('id').executeTakeFirstOrThrow()
    return Number(inserted.id)
  }
  const result = await query.executeTakeFirstOrThrow()
  return Number(result.insertId)
}

/** Bumps the revision number and `updated_at`; sets the description when given. */
export async function bumpRevision(
  db: Executor,
  standardAttrId: number,
  change: { now: string; description?: string },
): Promise<void> {
  await db
    .updateTable('standardattributes')
    .set((eb) => ({
      revision_number: eb('revision_number', '+', 1),
      updated_at: change.now,
      ...(change.description === undefined ? {} : { description: change.description }),
    }))
    .where('id', '=', standardAttrId)
    .execute()
}

/** Deletes a standard-attributes row (its tags go with it). */
export async function deleteStandardAttributes(
  db: Executor,
  standardAttrId: number,
): Promise<void> {
  await db.deleteFrom('standardattributes').where('id', '=', standardAttrId).execute()
}
