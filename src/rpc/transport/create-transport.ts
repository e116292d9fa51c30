import type { Logger } from 'pino'
import { ConfigError } from '../../common/errors.js'
import { AmqpTransport } from './amqp-transport.js'
import type { MemoryBroker } from './memory-transport.js'
import { MemoryTransport } from './memory-transport.js'
import { parseTransportUrl } from './transport-url.js'
import type { Transport } from './transport.js'

/** What the transport factory needs: the URL, the rabbit driver's options, the in-process bus. */
export interface TransportSettings {
  readonly url: string
  readonly controlExchange: string
  readonly rabbit: {
    readonly amqp_durable_queues: boolean
    readonly amqp_auto_delete: boolean
    readonly rabbit_ha_queues: boolean
    readonly rabbit_quorum_queue: boolean
    readonly rabbit_transient_queues_ttl: number
    readonly rabbit_qos_prefetch_count: number
    readonly heartbeat_timeout_threshold: number
    readonly rabbit_retry_interval: number
    readonly rabbit_retry_backoff: number
    readonly rabbit_interval_max: number
    readonly kombu_missing_consumer_retry_timeout: number
    readonly publish_timeout: number
  }
  /** The bus `memory://` connects to; required for that URL. */
  readonly memoryBroker?: MemoryBroker
  readonly log: Logger
}

/** Makes the transport a `transport_url` names. */
export function createTransport(settings: TransportSettings): Transport {
  const url = parseTransportUrl(settings.url)
  if (url.driver === 'memory') {
    if (!settings.memoryBroker) {
      throw new ConfigError('transport_url memory:// works only inside one process (leasehold up)')
    }
    return new MemoryTransport(settings.memoryBroker)
  }
  const rabbit = settings.rabbit
  if (rabbit.rabbit_ha_queues && rabbit.rabbit_quorum_queue) {
    throw new ConfigError('rabbit_ha_queues and rabbit_quorum_queue cannot both be set')
  }
  return new AmqpTransport({
    brokers: url.brokers,
    vhost: url.vhost,
    controlExchange: settings.controlExchange,
    durableQueues: rabbit.amqp_durable_queues,
    autoDelete: rabbit.amqp_auto_delete,
    haQueues: rabbit.rabbit_ha_queues,
    quorumQueues: rabbit.rabbit_quorum_queue,
    transientQueuesTtlSeconds: rabbit.rabbit_transient_queues_ttl,
    prefetchCount: rabbit.rabbit_qos_prefetch_count,
    heartbeatSeconds: rabbit.heartbeat_timeout_threshold,
    retryIntervalSeconds: rabbit.rabbit_retry_interval,
    retryBackoffSeconds: rabbit.rabbit_retry_backoff,
    intervalMaxSeconds: rabbit.rabbit_interval_max,
    missingConsumerRetrySeconds: rabbit.kombu_missing_consumer_retry_timeout,
    publishTimeoutSeconds: rabbit.publish_timeout,
    log: settings.log,
  })
}
