import type { Config } from '../common/config/index.js'
import { ConfigError } from '../common/errors.js'
import { messagingOptions } from '../rpc/options.js'
import { parseTransportUrl } from '../rpc/transport/transport-url.js'
import { agentPrerequisiteProblem, startDhcpAgent } from './dhcp-agent.js'
import { createRootLogger } from './logging.js'
import { commonOptions } from './options.js'
import { createMessaging } from './server-rpc.js'

/** Resolves on SIGINT or SIGTERM, with the signal's name. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
}

/**
 * `leasehold dhcp-agent`: the DHCP agent of this host over `transport_url` (RabbitMQ). Runs
 * until SIGINT or SIGTERM; its dnsmasq processes keep serving after it stops and are adopted by
 * its next start.
 */
export async function runDhcpAgent(config: Config): Promise<number> {
  const log = createRootLogger({ debug: config.group(commonOptions).debug })
  const url = config.group(messagingOptions).transport_url
  if (parseTransportUrl(url).driver === 'memory') {
    throw new ConfigError(
      'leasehold dhcp-agent needs transport_url = rabbit://user:pass@host:port/vhost; memory:// is only for leasehold up',
    )
  }
  const problem = agentPrerequisiteProblem()
  if (problem) throw new ConfigError(`the DHCP agent cannot run: ${problem}`)
  const messaging = createMessaging(config, log)
  const running = await startDhcpAgent(config, messaging, log)
  const signal = await untilSignal()
  log.info({ signal }, 'stopping')
  await running.stop()
  await messaging.close()
  log.info('stopped')
  return 0
}
