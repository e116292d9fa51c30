import type { ColumnDefinitionBuilder } from 'kysely'

/** The database engines Leasehold runs on. */
export type Engine = 'sqlite' | 'postgresql' | 'mysql'

/** Everything that differs between engines lives here. */
export interface DialectTraits {
  readonly engine: Engine
  /** Makes a bigint column an auto-incrementing primary key. */
  autoIncrementKey(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder
  /** The column type used for auto-incrementing keys. */
  readonly autoIncrementType: 'integer' | 'bigserial' | 'bigint'
  /** The column type for UTC timestamps (stored and read as `YYYY-MM-DD HH:MM:SS` text). */
  readonly timestampType: 'text' | 'timestamp' | 'datetime'
  /** Whether SELECT ... FOR UPDATE is available (SQLite serializes writers instead). */
  readonly supportsRowLocks: boolean
  /** Whether INSERT ... RETURNING is available. */
  readonly supportsReturning: boolean
  /** True when the error is a unique-key violation. */
  isUniqueViolation(error: unknown): boolean
  /** True when the error is a deadlock, lock timeout or serialization failure worth a retry. */
  isTransient(error: unknown): boolean
}

function codeOf(error: unknown): string | number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as { code?: unknown; errno?: unknown }
  if (typeof e.code === 'string' || typeof e.code === 'number') return e.code
  return undefined
}

const sqlite: DialectTraits = {
  engine: 'sqlite',
  autoIncrementKey: (col) => col.primaryKey().autoIncrement(),
  autoIncrementType: 'integer',
  timestampType: 'text',
  supportsRowLocks: false,
  supportsReturning: true,
  isUniqueViolation: (error) => {
    const code = codeOf(error)
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  },
  isTransient: (error) => {
    const code = codeOf(error)
    return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED'
  },
}

const postgresql: DialectTraits = {
  engine: 'postgresql',
  autoIncrementKey: (col) => col.primaryKey(),
  autoIncrementType: 'bigserial',
  timestampType: 'timestamp',
  supportsRowLocks: true,
  supportsReturning: true,
  // 23505 unique_violation
  isUniqueViolation: (error) => codeOf(error) === '23505',
  // 40001 serialization_failure, 40P01 deadlock_detected, 55P03 lock_not_available
  isTransient: (error) => ['40001', '40P01', '55P03'].includes(String(codeOf(error))),
}

const mysql: DialectTraits = {
  engine: 'mysql',
  autoIncrementKey: (col) => col.primaryKey().autoIncrement(),
  autoIncrementType: 'bigint',
  timestampType: 'datetime',
  supportsRowLocks: true,
  supportsReturning: false,
  isUniqueViolation: (error) => codeOf(error) === 'ER_DUP_ENTRY',
  isTransient: (error) =>
    ['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_CHECKREAD'].includes(String(codeOf(error))),
}

/** The traits of one engine. */
export function dialectTraits(engine: Engine): DialectTraits {
  switch (engine) {
    case 'sqlite':
      return sqlite
    case 'postgresql':
      return postgresql
    case 'mysql':
      return mysql
  }
}
