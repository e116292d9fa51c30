import type { Transaction } from 'kysely'
import type { DatabaseHandle } from '../db/database.js'
import type { Database } from '../db/schema.js'
import { DependencyUnavailable } from '../common/errors.js'

/** Most attempts of one API call's transaction when it collides with another. */
const MAX_ATTEMPTS = 20

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Runs `work` in one transaction. A unique-key collision, deadlock or serialization failure
 * means another writer won a race: the whole transaction is retried from scratch, so its
 * checks see the winner's rows and answer with the right error (or succeed).
 */
export async function inTransaction<T>(
  handle: DatabaseHandle,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.db.transaction().execute(work)
    } catch (error) {
      const retryable = handle.traits.isUniqueViolation(error) || handle.traits.isTransient(error)
      if (!retryable) throw error
      if (attempt >= MAX_ATTEMPTS) {
        throw new DependencyUnavailable('The database stayed busy; try again.', { cause: error })
      }
      await pause(Math.random() * Math.min(50, 2 * attempt))
    }
  }
}
