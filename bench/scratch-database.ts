import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { openDatabase } from '../src/db/database.js'

/** The engines the benchmark runs on. */
export type BenchEngine = 'sqlite' | 'postgresql'

/** Every engine the benchmark knows, in the order it runs them. */
export const BENCH_ENGINES: readonly BenchEngine[] = ['sqlite', 'postgresql']

/** The local PostgreSQL server's admin URL (trust auth). */
const PG_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres'

/** A fresh, empty database; `drop` removes it (idempotent). */
export interface ScratchDatabase {
  readonly url: string
  drop(): Promise<void>
}

function scratchSqlite(): ScratchDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'leasehold-bench-'))
  return {
    url: `sqlite:///${join(dir, 'bench.sqlite')}`,
    drop: () => {
      rmSync(dir, { recursive: true, force: true })
      return Promise.resolve()
    },
  }
}

async function onPgAdmin(statement: ReturnType<typeof sql>): Promise<void> {
  const admin = openDatabase(PG_ADMIN_URL, { maxPoolSize: 1 })
  try {
    await statement.execute(admin.db)
  } finally {
    await admin.close()
  }
}

async function scratchPostgresql(): Promise<ScratchDatabase> {
  const name = `leasehold_bench_${process.pid}_${randomBytes(4).toString('hex')}`
  await onPgAdmin(sql`create database ${sql.id(name)}`)
  let dropped = false
  return {
    url: PG_ADMIN_URL.replace(/\/postgres$/, `/${name}`),
    drop: async () => {
      if (dropped) return
      dropped = true
      // `with (force)` ends connections a failed run may have left behind.
      await onPgAdmin(sql`drop database if exists ${sql.id(name)} with (force)`)
    },
  }
}

/** Creates a uniquely named empty database: a file in a temp dir for SQLite, a database for PG. */
export async function createScratchDatabase(engine: BenchEngine): Promise<ScratchDatabase> {
  return engine === 'sqlite' ? scratchSqlite() : scratchPostgresql()
}
