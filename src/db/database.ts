import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import {
  Kysely,
  MysqlDialect,
  PostgresDialect,
  SqliteDialect,
  type Dialect,
  type SqliteDatabase as SqliteDialectDatabase,
} from 'kysely'
import { createPool as createMysqlPool } from 'mysql2'
import pg from 'pg'
import { ConfigError } from '../common/errors.js'
import { dialectTraits, type DialectTraits, type Engine } from './dialect.js'
import type { Database } from './schema.js'

/** An open database: the Kysely instance, the engine's traits, and a way to close it. */
export interface DatabaseHandle {
  readonly db: Kysely<Database>
  readonly traits: DialectTraits
  /** Closes every connection; idempotent. */
  close(): Promise<void>
}

/** Connection settings beyond the URL (oslo.db's `[database]` options). */
export interface DatabaseOptions {
  /** Most open connections for PostgreSQL and MySQL. */
  readonly maxPoolSize?: number
  /** Seconds to wait for a connection before failing. */
  readonly poolTimeout?: number
}

/** A parsed `[database] connection` URL. */
export interface ConnectionTarget {
  readonly engine: Engine
  /** SQLite: the file path, or ':memory:'. */
  readonly path?: string
  readonly host?: string
  readonly port?: number
  readonly user?: string
  readonly password?: string
  readonly database?: string
}

/**
 * Parses an SQLAlchemy-style URL as Neutron's `[database] connection` takes it:
 * `sqlite:///relative.db`, `sqlite:////absolute.db`, `sqlite://` (in memory),
 * `postgresql[+driver]://user:pass@host:port/db`, `mysql[+driver]://user:pass@host:port/db`.
 */
export function parseConnectionUrl(url: string): ConnectionTarget {
  const match = /^([a-z]+)(\+[a-z0-9_]+)?:\/\/(.*)$/.exec(url)
  if (!match) throw new ConfigError(`Invalid [database] connection URL: ${redactUrl(url)}`)
  const scheme = match[1]
  const rest = match[3] ?? ''
  if (scheme === 'sqlite') {
    if (rest === '' || rest === '/:memory:') return { engine: 'sqlite', path: ':memory:' }
    if (!rest.startsWith('/')) throw new ConfigError(`Invalid SQLite URL: ${url}`)
    return { engine: 'sqlite', path: rest.slice(1) }
  }
  let engine: Engine
  if (scheme === 'postgresql' || scheme === 'postgres') engine = 'postgresql'
  else if (scheme === 'mysql' || scheme === 'mariadb') engine = 'mysql'
  else throw new ConfigError(`Unsupported database engine '${scheme}' in [database] connection`)
  const parsed = new URL(`x://${rest}`)
  return {
    engine,
    host: decodeURIComponent(parsed.hostname) || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : undefined,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined,
  }
}

/** The URL with its password replaced, for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@')
}

/** Most prepared statements kept per SQLite connection. */
const STATEMENT_CACHE_SIZE = 256

/**
 * The SQLite connection as Kysely sees it, reusing prepared statements: Kysely prepares every
 * query afresh, which costs more than running most of ours. Safe because Kysely drives the one
 * connection behind a lock and never streams two results at once.
 */
function withStatementCache(database: SqliteDatabase.Database): SqliteDialectDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>()
  return {
    close: () => database.close(),
    prepare: (text: string) => {
      let statement = cache.get(text)
      if (statement === undefined) {
        statement = database.prepare(text)
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next().value
          if (oldest !== undefined) cache.delete(oldest)
        }
        cache.set(text, statement)
      }
      return statement
    },
  }
}

function sqliteDialect(path: string): Dialect {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true })
  const database = new SqliteDatabase(path)
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = FULL')
  database.pragma('foreign_keys = ON')
  database.pragma('busy_timeout = 5000')
  return new SqliteDialect({ database: withStatementCache(database) })
}

const PG_INT8 = 20
const PG_TIMESTAMP = 1114
const PG_TIMESTAMPTZ = 1184

function postgresDialect(target: ConnectionTarget, options: DatabaseOptions): Dialect {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => {
      if (oid === PG_INT8) return (v: string) => Number(v)
      if (oid === PG_TIMESTAMP || oid === PG_TIMESTAMPTZ) return (v: string) => v
      return pg.types.getTypeParser(oid, format) as (value: string) => unknown
    },
  }
  const pool = new pg.Pool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    max: options.maxPoolSize ?? 5,
    connectionTimeoutMillis: (options.poolTimeout ?? 30) * 1000,
    types,
  })
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined)
  return new PostgresDialect({ pool })
}

function mysqlDialect(target: ConnectionTarget, options: DatabaseOptions): Dialect {
  const pool = createMysqlPool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectionLimit: options.maxPoolSize ?? 5,
    connectTimeout: (options.poolTimeout ?? 30) * 1000,
    dateStrings: true,
    supportBigNumbers: true,
    timezone: 'Z',
    charset: 'utf8mb4',
  })
  return new MysqlDialect({ pool })
}

/** Opens the database named by a `[database] connection` URL. */
export function openDatabase(url: string, options: DatabaseOptions = {}): DatabaseHandle {
  const target = parseConnectionUrl(url)
  let dialect: Dialect
  switch (target.engine) {
    case 'sqlite':
      dialect = sqliteDialect(target.path ?? ':memory:')
      break
    case 'postgresql':
      dialect = postgresDialect(target, options)
      break
    case 'mysql':
      dialect = mysqlDialect(target, options)
      break
  }
  const db = new Kysely<Database>({ dialect })
  let closed = false
  return {
    db,
    traits: dialectTraits(target.engine),
    close: async () => {
      if (closed) return
      closed = true
      await db.destroy()
    },
  }
}
