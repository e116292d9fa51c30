import { HttpBadRequest } from '../common/errors.js'
import type { ListQuery } from '../plugin/list-spec.js'

/** Largest page asked of the database; any bigger limit means the same. */
const MAX_LIMIT = 2 ** 31 - 1

/** Query keys that steer a list instead of filtering it. */
const CONTROL_KEYS = new Set(['fields', 'sort_key', 'sort_dir', 'limit', 'marker', 'page_reverse'])

/** The query string as Fastify parsed it: repeated keys become arrays. */
export type RawQuery = Record<string, string | string[] | undefined>

function all(query: RawQuery, key: string): string[] {
  const value = query[key]
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/** Parses filters, sorting and paging the way Neutron's API layer does. */
export function parseListQuery(query: RawQuery): ListQuery & { fields: string[] } {
  const filters = new Map<string, string[]>()
  for (const key of Object.keys(query)) {
    // Neutron drops empty filter values, and a filter left without values.
    const values = all(query, key).filter((v) => v !== '')
    if (!CONTROL_KEYS.has(key) && values.length > 0) filters.set(key, values)
  }
  const keys = all(query, 'sort_key')
  const dirs = all(query, 'sort_dir')
  if (keys.length !== dirs.length && dirs.length > 0) {
    throw new HttpBadRequest('The number of sort_keys and sort_dirs must be same')
  }
  const sorts = keys.map((key, i): { key: string; direction: 'asc' | 'desc' } => {
    const dir = (dirs[i] ?? 'asc').toLowerCase()
    if (dir !== 'asc' && dir !== 'desc') {
      throw new HttpBadRequest(
        `${dir} is invalid value for sort_dirs, valid value is 'asc' and 'desc'`,
      )
    }
    return { key, direction: dir }
  })
  const limitText = all(query, 'limit')[0]
  let limit: number | undefined
  if (limitText !== undefined) {
    if (!/^\d+$/.test(limitText)) {
      throw new HttpBadRequest(`Limit must be an integer 0 or greater and not '${limitText}'`)
    }
    limit = Number(limitText) === 0 ? undefined : Math.min(Number(limitText), MAX_LIMIT)
  }
  const marker = all(query, 'marker')[0]
  const pageReverse = (all(query, 'page_reverse')[0] ?? 'false').toLowerCase() === 'true'
  return { filters, sorts, limit, marker, pageReverse, fields: all(query, 'fields') }
}

/** Keeps only the requested fields of each item (all when none are named). */
export function selectFields<T extends object>(
  items: readonly T[],
  fields: readonly string[],
): Partial<T>[] {
  if (fields.length === 0) return [...items]
  return items.map((item) => {
    const out: Record<string, unknown> = {}
    for (const field of fields) {
      if (field in item) out[field] = (item as Record<string, unknown>)[field]
    }
    return out as Partial<T>
  })
}
