import type { Config } from '../common/config/index.js'
import { createApi } from '../api/app.js'
import { apiOptions } from '../api/options.js'
import { openDatabase, redactUrl } from '../db/database.js'
import { upgradeDatabase } from '../db/migrator.js'
import { databaseOptions } from '../db/options.js'
import { CorePlugin } from '../plugin/core-plugin.js'
import { pluginOptions } from '../plugin/options.js'
import { createRootLogger } from './logging.js'
import { commonOptions } from './options.js'

/**
 * `leasehold server` and `leasehold up`: the REST API over the configured database. `up` also
 * migrates the database first. Runs until SIGINT or SIGTERM, then stops cleanly.
 */
export async function runServer(config: Config, mode: { allInOne: boolean }): Promise<number> {
  const common = config.group(commonOptions)
  const log = createRootLogger({ debug: common.debug })
  for (const name of config.unknown) log.debug({ option: name }, 'ignoring unknown option')
  const api = config.group(apiOptions)
  const dbOptions = config.group(databaseOptions)
  const plugin = config.group(pluginOptions)
  const handle = openDatabase(dbOptions.connection, {
    maxPoolSize: dbOptions.max_pool_size,
    poolTimeout: dbOptions.pool_timeout,
  })
  if (mode.allInOne) {
    const applied = await upgradeDatabase(handle)
    if (applied.length > 0) log.info({ migrations: applied }, 'database migrated')
  }
  const core = new CorePlugin(handle, {
    baseMac: plugin.base_mac,
    globalPhysnetMtu: plugin.global_physnet_mtu,
    maxDnsNameservers: plugin.max_dns_nameservers,
    maxSubnetHostRoutes: plugin.max_subnet_host_routes,
    macGenerationRetries: plugin.mac_generation_retries,
  })
  const app = createApi({
    plugin: core,
    log: log.child({ component: 'api' }),
    maxRequestBodySize: api.max_request_body_size,
  })
  await app.listen({ host: api.bind_host, port: api.bind_port })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : api.bind_port
  log.info(
    { bind_host: api.bind_host, bind_port: port, database: redactUrl(dbOptions.connection) },
    'leasehold API listening',
  )
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping')
      resolve()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await app.close()
  await handle.close()
  log.info('stopped')
  return 0
}
