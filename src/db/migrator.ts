import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import type { DatabaseHandle } from './database.js'
import type { DialectTraits } from './dialect.js'
import * as m0001 from './migrations/0001_initial.js'

/* eslint-disable @typescript-eslint/no-explicit-any */
interface LeaseholdMigration {
  up(db: Kysely<any>, traits: DialectTraits): Promise<void>
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Every migration, in order. Merged migrations are never edited; new ones are appended. */
const migrations: Record<string, LeaseholdMigration> = {
  '0001_initial': m0001,
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly traits: DialectTraits) {}
  getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {}
    for (const [name, migration] of Object.entries(migrations)) {
      out[name] = { up: (db) => migration.up(db, this.traits) }
    }
    return Promise.resolve(out)
  }
}

/** Applies every pending migration; returns the names applied. Safe to run from several processes. */
export async function upgradeDatabase(handle: DatabaseHandle): Promise<string[]> {
  const migrator = new Migrator({
    db: handle.db,
    provider: new StaticProvider(handle.traits),
    migrationTableName: 'leasehold_migrations',
    migrationLockTableName: 'leasehold_migrations_lock',
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error !== undefined) {
    throw new Error('Database migration failed', { cause: error })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
