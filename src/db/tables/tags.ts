import type { Executor } from '../schema.js'
import { inChunks } from './chunks.js'

/** Tags of many resources, keyed by standard_attr_id, each list sorted. */
export async function tagsByResource(
  db: Executor,
  ids: readonly number[],
): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>()
  await inChunks(ids, async (chunk) => {
    const rows = await db
      .selectFrom('tags')
      .select(['standard_attr_id', 'tag'])
      .where('standard_attr_id', 'in', chunk)
      .execute()
    for (const row of rows) {
      const id = Number(row.standard_attr_id)
      const list = out.get(id) ?? []
      list.push(row.tag)
      out.set(id, list)
    }
  })
  for (const list of out.values()) list.sort()
  return out
}

/** Replaces a resource's tags. */
export async function replaceTags(
  db: Executor,
  standardAttrId: number,
  tags: readonly string[],
): Promise<void> {
  await db.deleteFrom('tags').where('standard_attr_id', '=', standardAttrId).execute()
  if (tags.length === 0) return
  await db
    .insertInto('tags')
    .values([...new Set(tags)].map((tag) => ({ standard_attr_id: standardAttrId, tag })))
    .execute()
}
