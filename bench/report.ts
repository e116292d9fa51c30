/** The value at quantile `q` (0..1) of some samples, nearest-rank; NaN when there are none. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)))
  return sorted[rank - 1] ?? Number.NaN
}

/** A target a metric must meet: at least or below a bound, on some engines only. */
export interface Floor {
  readonly kind: 'atLeast' | 'below'
  readonly bound: number
  /** Engines the floor applies to; all when absent. */
  readonly engines?: readonly string[]
}

/** One row of the result table. */
export interface Metric {
  readonly name: string
  readonly unit: string
  readonly floor?: Floor
}

function meets(floor: Floor, value: number): boolean {
  return floor.kind === 'atLeast' ? value >= floor.bound : value < floor.bound
}

function describeFloor(floor: Floor | undefined): string {
  if (!floor) return ''
  const text = `${floor.kind === 'atLeast' ? '>=' : '<'} ${floor.bound}`
  return floor.engines ? `${text} (${floor.engines.join(', ')})` : text
}

function formatCell(metric: Metric, engine: string, value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '-'
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
  const text = value.toFixed(digits)
  const floor = metric.floor
  if (!floor || (floor.engines && !floor.engines.includes(engine))) return text
  return meets(floor, value) ? text : `${text} MISS`
}

/** Renders metrics × engines as a fixed-width text table, with the floor of each metric. */
export function formatTable(
  metrics: readonly Metric[],
  engines: readonly string[],
  results: ReadonlyMap<string, ReadonlyMap<string, number>>,
): string {
  const header = ['metric', 'unit', ...engines, 'floor']
  const rows = metrics.map((m) => [
    m.name,
    m.unit,
    ...engines.map((e) => formatCell(m, e, results.get(e)?.get(m.name))),
    describeFloor(m.floor),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) =>
        i >= 2 && i < 2 + engines.length ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  return [line(header), rule, ...rows.map(line)].join('\n')
}
