import type { Executor } from '../schema.js'
import { inChunks } from './chunks.js'

/** The entities that hold a port back from ACTIVE (Neutron's provisioning_blocks). */
export type ProvisioningEntity = 'DHCP' | 'L2'

/** Adds a block on a resource unless it is there already. */
export async function addProvisioningBlock(
  db: Executor,
  standardAttrId: number,
  entity: ProvisioningEntity,
): Promise<void> {
  const existing = await db
    .selectFrom('provisioningblocks')
    .select('entity')
    .where('standard_attr_id', '=', standardAttrId)
    .where('entity', '=', entity)
    .executeTakeFirst()
  if (existing) return
  await db
    .insertInto('provisioningblocks')
    .values({ standard_attr_id: standardAttrId, entity })
    .execute()
}

/** Removes one entity's blocks from some resources; returns how many rows went. */
export async function removeProvisioningBlocks(
  db: Executor,
  standardAttrIds: readonly number[],
  entity: ProvisioningEntity,
): Promise<number> {
  let removed = 0
  await inChunks(standardAttrIds, async (chunk) => {
    const result = await db
      .deleteFrom('provisioningblocks')
      .where('standard_attr_id', 'in', chunk)
      .where('entity', '=', entity)
      .executeTakeFirst()
    removed += Number(result.numDeletedRows)
  })
  return removed
}

/** The entities still blocking each of some resources (unblocked ones are absent). */
export async function provisioningBlocksOf(
  db: Executor,
  standardAttrIds: readonly number[],
): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>()
  await inChunks(standardAttrIds, async (chunk) => {
    const rows = await db
      .selectFrom('provisioningblocks')
      .select(['standard_attr_id', 'entity'])
      .where('standard_attr_id', 'in', chunk)
      .execute()
    for (const row of rows) {
      const id = Number(row.standard_attr_id)
      out.set(id, [...(out.get(id) ?? []), row.entity])
    }
  })
  return out
}
