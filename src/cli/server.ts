import type { Config } from '../common/config/index.js'
import { createApi } from '../api/app.js'
import { apiOptions } from '../api/options.js'
import { openDatabase, redactUrl } from '../db/database.js'
import { upgradeDatabase } from '../db/migrator.js'
import { databaseOptions } from '../db/options.js'
import { hostname } from 'node:os'
import { ConfigError } from '../common/errors.js'
import { messagingOptions } from '../rpc/options.js'
import { MemoryBroker } from '../rpc/transport/memory-transport.js'
import { parseTransportUrl } from '../rpc/transport/transport-url.js'
import { createRootLogger } from './logging.js'
import { commonOptions } from './options.js'
import { createMessaging, startServerCore } from './server-rpc.js'

/**
 * `leasehold server` and `leasehold up`: the REST API over the configured database, and the RPC
 * endpoints agents call over `transport_url`. `up` also migrates the database first and runs the
 * bus in-process. Runs until SIGINT or SIGTERM, then stops cleanly.
 */
export async function runServer(config: Config, mode: { allInOne: boolean }): Promise<number> {
  const common = config.group(commonOptions)
  const log = createRootLogger({ debug: common.debug })
  for (const name of config.unknown) log.debug({ option: name }, 'ignoring unknown option')
  const api = config.group(apiOptions)
  const dbOptions = config.group(databaseOptions)
  const transportUrl = config.group(messagingOptions).transport_url
  if (!mode.allInOne && parseTransportUrl(transportUrl).driver === 'memory') {
    throw new ConfigError(
      'leasehold server needs transport_url = rabbit://user:pass@host:port/vhost; memory:// is only for leasehold up',
    )
  }
  const handle = openDatabase(dbOptions.connection, {
    maxPoolSize: dbOptions.max_pool_size,
    poolTimeout: dbOptions.pool_timeout,
  })
  if (mode.allInOne) {
    const applied = await upgradeDatabase(handle)
    if (applied.length > 0) log.info({ migrations: applied }, 'database migrated')
  }
  const messaging = createMessaging(config, log, mode.allInOne ? new MemoryBroker() : undefined)
  const server = await startServerCore({
    config,
    handle,
    messaging,
    host: common.host || hostname(),
    log,
  })
  const app = createApi({
    plugin: server.plugin,
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
  await server.stop()
  await handle.close()
  log.info('stopped')
  return 0
}
