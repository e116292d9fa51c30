import { sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely'

/** A filter on one column: the row matches when the column equals any of the values. */
export interface ColumnFilter {
  readonly column: string
  readonly values: readonly (string | number)[]
}

/** One sort key: a qualified column and its direction. */
export interface ColumnSort {
  readonly column: string
  readonly direction: 'asc' | 'desc'
}

/** Filters, sort keys and a page: what a list call asks of one table. */
export interface ListSpec {
  readonly filters: readonly ColumnFilter[]
  /** Extra conditions built by the caller (visibility, sub-queries). */
  readonly conditions?: readonly Expression<SqlBool>[]
  /** Sort keys; the caller appends the primary key as a tie-breaker. */
  readonly sorts: readonly ColumnSort[]
  readonly limit?: number
  /** Sort-key values of the marker row, in `sorts` order: rows strictly after it are returned. */
  readonly after?: readonly unknown[]
}

/** The condition "column equals one of values". */
export function anyOf(column: string, values: readonly (string | number)[]): Expression<SqlBool> {
  if (values.length === 1) return sql<SqlBool>`${sql.ref(column)} = ${values[0]}`
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`
}

/**
 * The keyset condition for rows after the marker: (k1 > v1) or (k1 = v1 and k2 > v2) ...,
 * with `<` for descending keys.
 */
function afterMarker(
  sorts: readonly ColumnSort[],
  values: readonly unknown[],
): Expression<SqlBool> {
  const alternatives = sorts.map((sort, i) => {
    const parts = sorts.slice(0, i).map((prev, j) => sql`${sql.ref(prev.column)} = ${values[j]}`)
    const op = sort.direction === 'asc' ? sql`>` : sql`<`
    parts.push(sql`${sql.ref(sort.column)} ${op} ${values[i]}`)
    return sql`(${sql.join(parts, sql` and `)})`
  })
  return sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`
}

/** Applies filters, conditions, order, keyset pagination and limit to a select. */
export function applyListSpec<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  spec: ListSpec,
): SelectQueryBuilder<DB, TB, O> {
  let q = query
  for (const filter of spec.filters) q = q.where(anyOf(filter.column, filter.values))
  for (const condition of spec.conditions ?? []) q = q.where(condition)
  if (spec.after !== undefined) q = q.where(afterMarker(spec.sorts, spec.after))
  for (const sort of spec.sorts) {
    q = q.orderBy(sql.ref(sort.column), sort.direction)
  }
  if (spec.limit !== undefined) q = q.limit(spec.limit)
  return q
}
