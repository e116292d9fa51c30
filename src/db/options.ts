import { defineOptions, int, str } from '../common/config/index.js'

/** The `[database]` section, with oslo.db's option names. */
export const databaseOptions = defineOptions('database', {
  connection: str({
    default: 'sqlite:///$state_path/leasehold.sqlite',
    secret: true,
    help: 'The SQLAlchemy-style URL of the database: sqlite:///path, postgresql://user:pass@host/db or mysql+pymysql://user:pass@host/db.',
  }),
  max_pool_size: int({ default: 5, min: 1, help: 'Most open connections to PostgreSQL or MySQL.' }),
  pool_timeout: int({ default: 30, min: 1, help: 'Seconds to wait for a free connection.' }),
})
