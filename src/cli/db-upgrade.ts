import type { Config } from '../common/config/index.js'
import { openDatabase, redactUrl } from '../db/database.js'
import { upgradeDatabase } from '../db/migrator.js'
import { databaseOptions } from '../db/options.js'

/** `leasehold db upgrade`: applies pending migrations and says which. */
export async function runDbUpgrade(config: Config): Promise<number> {
  const options = config.group(databaseOptions)
  const handle = openDatabase(options.connection, {
    maxPoolSize: options.max_pool_size,
    poolTimeout: options.pool_timeout,
  })
  try {
    const applied = await upgradeDatabase(handle)
    const target = redactUrl(options.connection)
    process.stdout.write(
      applied.length === 0
        ? `${target}: up to date\n`
        : `${target}: applied ${applied.join(', ')}\n`,
    )
    return 0
  } finally {
    await handle.close()
  }
}
