import { RevisionNumberConstraintFailed } from '../common/errors.js'

/** Throws 412 when an `If-Match: revision_number=N` precondition does not hold. */
export function checkRevision(current: number, expected: number | undefined): void {
  if (expected === undefined) return
  if (Number(current) !== expected)
    throw new RevisionNumberConstraintFailed(expected, Number(current))
}
