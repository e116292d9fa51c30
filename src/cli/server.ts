import type { Logger } from 'pino'
import { isIP } from 'node:net'
import type { Config, OptionValues } from '../common/config/index.js'
import { createApi } from '../api/app.js'
import { createAuthenticator } from '../api/auth/index.js'
import { apiOptions, keystoneAuthtokenOptions } from '../api/options.js'
import { openDatabase, redactUrl } from '../db/database.js'
import { upgradeDatabase } from '../db/migrator.js'
import { databaseOptions } from '../db/options.js'
import { hostname } from 'node:os'
import { ConfigError } from '../common/errors.js'
import { loadPolicy, policyOptions } from '../common/policy/index.js'
import { messagingOptions } from '../rpc/options.js'
import { MemoryBroker } from '../rpc/transport/memory-transport.js'
import { parseTransportUrl } from '../rpc/transport/transport-url.js'
import { createRootLogger } from './logging.js'
import { commonOptions } from './options.js'
import { untilSignal } from './agent-command.js'
import { agentPrerequisiteProblem, startDhcpAgent, type RunningAgent } from './dhcp-agent.js'
import { createMessaging, startServerCore } from './server-rpc.js'

/** Whether `host` is only reachable from this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (address === 'localhost') return true
  if (isIP(address) === 4) return address.startsWith('127.')
  return address === '::1' || address.startsWith('::ffff:127.')
}

/**
 * noauth trusts whatever project and roles a caller claims, so it only listens on loopback
 * unless the operator says otherwise (`--insecure-noauth`, `allow_insecure_noauth`).
 */
function checkNoauthBind(api: OptionValues<typeof apiOptions>, log: Logger): void {
  if (api.auth_strategy !== 'noauth' || isLoopbackHost(api.bind_host)) return
  if (!api.allow_insecure_noauth) {
    throw new ConfigError(
      `auth_strategy = noauth trusts the X-Project-Id and X-Roles headers of every caller; refusing to listen on bind_host ${api.bind_host}, which is not a loopback address. Use auth_strategy = keystone or http_basic, bind to 127.0.0.1, or accept the risk with --insecure-noauth (allow_insecure_noauth = true).`,
    )
  }
  log.warn(
    { bind_host: api.bind_host, auth_strategy: 'noauth' },
    'INSECURE: noauth on a non-loopback address; anyone who reaches it can act as any project or as admin',
  )
}

/**
 * `leasehold server` and `leasehold up`: the REST API over the configured database, and the RPC
 * endpoints agents call over `transport_url`. `up` also migrates the database first and runs the
 * bus in-process. Runs until SIGINT or SIGTERM, then stops cleanly.
 */
export async function runServer(
  config: Config,
  mode: { allInOne: boolean; configFiles: readonly string[] },
): Promise<number> {
  // Listen for the stop signal first: a SIGTERM during start-up still ends in a clean stop.
  const stopSignal = untilSignal()
  const common = config.group(commonOptions)
  const log = createRootLogger({ debug: common.debug })
  for (const name of config.unknown) log.debug({ option: name }, 'ignoring unknown option')
  const api = config.group(apiOptions)
  checkNoauthBind(api, log)
  const policyConfig = config.group(policyOptions)
  const { policy, file: policyFile } = loadPolicy({
    policyFile: policyConfig.policy_file,
    enforceNewDefaults: policyConfig.enforce_new_defaults,
    configFiles: mode.configFiles,
  })
  const authenticator = createAuthenticator(
    {
      strategy: api.auth_strategy,
      httpBasicAuthUserFile: api.http_basic_auth_user_file,
      keystone: config.group(keystoneAuthtokenOptions),
    },
    log.child({ component: 'auth' }),
  )
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
  const broker = mode.allInOne ? new MemoryBroker() : undefined
  const messaging = createMessaging(config, log, broker)
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
    authenticator,
    policy,
    agentRoutes: { agents: server.agents, agentAdmin: server.agentAdmin },
  })
  await app.listen({ host: api.bind_host, port: api.bind_port })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : api.bind_port
  log.info(
    {
      bind_host: api.bind_host,
      bind_port: port,
      database: redactUrl(dbOptions.connection),
      auth_strategy: api.auth_strategy,
      policy_file: policyFile ?? null,
    },
    'leasehold API listening',
  )
  const agent = mode.allInOne ? await startEmbeddedAgent(config, log, broker) : undefined
  const signal = await stopSignal
  log.info({ signal }, 'stopping')
  await agent?.stop()
  await app.close()
  await server.stop()
  await handle.close()
  log.info('stopped')
  return 0
}

/**
 * `leasehold up`'s DHCP agent on the in-process bus. Without root or dnsmasq the API still runs,
 * and the log says what is missing.
 */
async function startEmbeddedAgent(
  config: Config,
  log: Logger,
  broker: MemoryBroker | undefined,
): Promise<{ stop(): Promise<void> } | undefined> {
  const problem = agentPrerequisiteProblem()
  if (problem) {
    log.error({ problem }, 'DHCP is off: the DHCP agent cannot run')
    return undefined
  }
  const messaging = createMessaging(config, log, broker)
  const running: RunningAgent = await startDhcpAgent(config, messaging, log)
  return {
    stop: async () => {
      await running.stop()
      await messaging.close()
    },
  }
}
