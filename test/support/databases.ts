import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js'
import type { Engine } from '../../src/db/dialect.js'
import { upgradeDatabase } from '../../src/db/migrator.js'
import { ensureServices } from './services.js'

const ALL: readonly Engine[] = ['sqlite', 'postgresql', 'mysql']

/** The engines to test on: all three, or those named in LEASEHOLD_TEST_DATABASES (comma-separated). */
export function testDatabases(): Engine[] {
  const named = process.env.LEASEHOLD_TEST_DATABASES
  if (!named) return [...ALL]
  return named
    .split(',')
    .map((n) => n.trim())
    .filter((n): n is Engine => (ALL as string[]).includes(n))
}

/** Admin URLs of the local servers (trust auth / empty root password). */
const ADMIN_URL: Record<Exclude<Engine, 'sqlite'>, string> = {
  postgresql: 'postgresql://postgres@127.0.0.1:5432/postgres',
  mysql: 'mysql://root@127.0.0.1:3306/mysql',
}

/** A fresh, empty database on an engine; `drop` removes it. */
export interface ScratchDatabase {
  readonly url: string
  drop(): Promise<void>
}

/** Creates a uniquely named empty database (a temp file for SQLite). */
export async function createScratchDatabase(engine: Engine): Promise<ScratchDatabase> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'leasehold-db-'))
    return {
      url: `sqlite:///${join(dir, 'test.sqlite')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    }
  }
  await ensureServices([engine === 'postgresql' ? 'PostgreSQL' : 'MariaDB'])
  const name = `leasehold_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = openDatabase(ADMIN_URL[engine])
  await sql`create database ${sql.id(name)}`.execute(admin.db)
  await admin.close()
  const url = ADMIN_URL[engine].replace(/\/[a-z]+$/, `/${name}`)
  return {
    url,
    drop: async () => {
      const again = openDatabase(ADMIN_URL[engine])
      try {
        await sql`drop database if exists ${sql.id(name)}`.execute(again.db)
      } finally {
        await again.close()
      }
    },
  }
}

const TABLES_IN_DELETE_ORDER = [
  'networkdhcpagentbindings',
  'agents',
  'extradhcpopts',
  'ipallocations',
  'ml2_port_bindings',
  'ports',
  'subnetroutes',
  'dnsnameservers',
  'ipallocationpools',
  'subnets',
  'networks',
  'provisioningblocks',
  'tags',
  'standardattributes',
] as const

/** Migrates a scratch database before the suite, empties it between tests, drops it after. */
export function useTestDatabase(engine: Engine): () => DatabaseHandle {
  let scratch: ScratchDatabase | undefined
  let handle: DatabaseHandle | undefined
  beforeAll(async () => {
    scratch = await createScratchDatabase(engine)
    handle = openDatabase(scratch.url, { maxPoolSize: 20 })
    await upgradeDatabase(handle)
  })
  afterEach(async () => {
    if (!handle) return
    for (const table of TABLES_IN_DELETE_ORDER) await handle.db.deleteFrom(table).execute()
  })
  afterAll(async () => {
    await handle?.close()
    await scratch?.drop()
  })
  return () => {
    if (!handle) throw new Error('database not ready')
    return handle
  }
}
