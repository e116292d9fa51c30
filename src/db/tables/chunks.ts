/** Most values bound in one `IN (...)` list; stays far below every engine's parameter limit. */
export const IN_CHUNK = 2000

/** Runs `fn` over `values` in slices of at most IN_CHUNK, one after another. */
export async function inChunks<T>(
  values: readonly T[],
  fn: (chunk: T[]) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < values.length; i += IN_CHUNK) {
    await fn(values.slice(i, i + IN_CHUNK))
  }
}
