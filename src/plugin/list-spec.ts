import { InvalidAttribute, HttpBadRequest } from '../common/errors.js'
import type { ColumnSort, ListSpec } from '../db/tables/list-query.js'
import type { Expression, SqlBool } from 'kysely'

/** A list request as the API parsed it from the query string. */
export interface ListQuery {
  /** Attribute → accepted values (a repeated key means OR). */
  readonly filters: ReadonlyMap<string, readonly string[]>
  readonly sorts: readonly { key: string; direction: 'asc' | 'desc' }[]
  readonly limit?: number
  readonly marker?: string
  readonly pageReverse: boolean
}

/** How attribute values of a resource are typed in filters. */
export type FilterKind = 'string' | 'bool' | 'int'

/** What a resource tells the list machinery about its columns. */
export interface ListableResource {
  /** API attribute → qualified column. */
  readonly columns: Readonly<Record<string, string>>
  /** Attributes that are not strings. */
  readonly kinds: Readonly<Record<string, FilterKind>>
  /** Attributes accepted as filters that the caller turns into conditions itself. */
  readonly special: readonly string[]
  /** The qualified primary key column. */
  readonly idColumn: string
}

/** Integer filter values beyond this cannot match a column, and some engines refuse them. */
const INT_FILTER_MAX = 2 ** 31 - 1

/** Standard attributes that sort lists but, as in Neutron, are no filters. */
const SORT_ONLY = ['created_at', 'updated_at']

function convert(attribute: string, kind: FilterKind, value: string): string | number {
  switch (kind) {
    case 'string':
      return value
    case 'bool': {
      const v = value.toLowerCase()
      if (['true', '1', 'yes', 'on'].includes(v)) return 1
      if (['false', '0', 'no', 'off'].includes(v)) return 0
      throw new InvalidAttribute(attribute, `'${value}' cannot be converted to boolean`)
    }
    case 'int': {
      if (!/^-?\d+$/.test(value)) {
        throw new InvalidAttribute(attribute, `'${value}' is not an integer`)
      }
      if (Math.abs(Number(value)) > INT_FILTER_MAX) {
        throw new InvalidAttribute(attribute, `'${value}' is out of range`)
      }
      return Number(value)
    }
  }
}

/** Turns a list query into a ListSpec, checking filter and sort keys. */
export function buildListSpec(
  query: ListQuery,
  resource: ListableResource,
  conditions: readonly Expression<SqlBool>[],
): ListSpec {
  const unknown = [...query.filters.keys()].filter(
    (k) =>
      (resource.columns[k] === undefined && !resource.special.includes(k)) || SORT_ONLY.includes(k),
  )
  if (unknown.length > 0) {
    throw new HttpBadRequest(
      `[${unknown.map((k) => `'${k}'`).join(', ')}] is invalid attribute for filtering`,
    )
  }
  const filters = [...query.filters.entries()]
    .filter(([key]) => !resource.special.includes(key))
    .map(([key, values]) => ({
      column: resource.columns[key] ?? key,
      values: values.map((v) => convert(key, resource.kinds[key] ?? 'string', v)),
    }))
  const badSorts = query.sorts.filter((s) => resource.columns[s.key] === undefined)
  if (badSorts.length > 0) {
    throw new HttpBadRequest(
      `[${badSorts.map((s) => `'${s.key}'`).join(', ')}] is invalid attribute for sort_keys`,
    )
  }
  const sorts: ColumnSort[] = query.sorts.map((s) => ({
    column: resource.columns[s.key] ?? s.key,
    direction: query.pageReverse ? (s.direction === 'asc' ? 'desc' : 'asc') : s.direction,
  }))
  if (!sorts.some((s) => s.column === resource.idColumn)) {
    sorts.push({ column: resource.idColumn, direction: query.pageReverse ? 'desc' : 'asc' })
  }
  return { filters, conditions, sorts, limit: query.limit }
}

/** The sort-key values of the marker row, read from its fields (`table.column` → `column`). */
export function markerValues(spec: ListSpec, row: Record<string, unknown>): unknown[] {
  return spec.sorts.map((s) => row[s.column.slice(s.column.indexOf('.') + 1)])
}

/** Runs one list call: checks the query, reads the marker row, fetches a page, builds views. */
export async function listPage<Row extends object, View>(options: {
  query: ListQuery
  resource: ListableResource
  conditions: readonly Expression<SqlBool>[]
  /** The marker row as the caller may see it (throws NotFound otherwise). */
  markerRow: (id: string) => Promise<Row>
  fetch: (spec: ListSpec) => Promise<Row[]>
  views: (rows: Row[]) => Promise<View[]>
}): Promise<View[]> {
  const { query } = options
  const spec = buildListSpec(query, options.resource, options.conditions)
  const after =
    query.marker === undefined
      ? undefined
      : markerValues(spec, (await options.markerRow(query.marker)) as Record<string, unknown>)
  const rows = await options.fetch({ ...spec, after })
  return options.views(query.pageReverse ? rows.reverse() : rows)
}
