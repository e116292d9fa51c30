import type { PolicyTarget } from '../common/policy/index.js'
import { toBool, type Executor } from '../db/schema.js'
import { inChunks } from '../db/tables/chunks.js'

/** What rules about a subnet or port see of its network (Neutron looks it up by network_id). */
export interface NetworkFacts {
  readonly project_id: string | null
  readonly shared: boolean | number
}

/** A resource's target: its attributes, with `tenant_id` beside `project_id` as Neutron has it. */
export function resourceTarget(
  resource: object & { project_id?: string | null },
): Record<string, unknown> {
  return { ...resource, tenant_id: resource.project_id ?? null }
}

/** A network row or view as a target; `shared` as a boolean, which `field:` checks compare. */
export function networkTarget(network: NetworkFacts & object): PolicyTarget {
  return { ...network, tenant_id: network.project_id, shared: toBool(network.shared) }
}

/** The `network:*` attributes of a subnet's or port's target (`rule:network_owner`, `rule:shared`). */
export function networkFields(network: NetworkFacts | undefined): PolicyTarget {
  if (network === undefined) return {}
  return {
    'network:tenant_id': network.project_id,
    'network:project_id': network.project_id,
    'network:shared': toBool(network.shared),
  }
}

/**
 * An API view (which has `tenant_id` already) as a target with its network's fields, read
 * through without copying the view (lists make one per item, and most checks of an admin read
 * nothing), nor making it a prototype (which would slow every later read of it).
 */
export function viewTarget(view: object, network: NetworkFacts | undefined): PolicyTarget {
  const extra = networkFields(network)
  return new Proxy(view as Record<string, unknown>, {
    get: (item, key) =>
      typeof key === 'string' && key in extra ? extra[key] : item[key as string],
    has: (item, key) => key in extra || key in item,
  })
}

/** The owner and `shared` flag of networks by id, for building the targets of a page of items. */
export async function networkFactsOf(
  db: Executor,
  networkIds: readonly string[],
): Promise<Map<string, NetworkFacts>> {
  const facts = new Map<string, NetworkFacts>()
  await inChunks([...new Set(networkIds)], async (chunk) => {
    const rows = await db
      .selectFrom('networks')
      .select(['id', 'project_id', 'shared'])
      .where('id', 'in', chunk)
      .execute()
    for (const row of rows) facts.set(row.id, row)
  })
  return facts
}
