import pino from 'pino'
import { afterAll, beforeAll } from 'vitest'
import { Messaging } from '../../src/rpc/messaging.js'
import {
  createTransport,
  type TransportSettings,
} from '../../src/rpc/transport/create-transport.js'
import { MemoryBroker } from '../../src/rpc/transport/memory-transport.js'
import type { Transport } from '../../src/rpc/transport/transport.js'
import { createRabbitVhost, type RabbitVhost } from './rabbitmq.js'

/** The buses every transport contract test runs on. */
export type BusKind = 'memory' | 'rabbit'

/** Both, or those named in LEASEHOLD_TEST_BUSES (comma-separated). */
export function testBuses(): BusKind[] {
  const named = process.env.LEASEHOLD_TEST_BUSES
  const all: BusKind[] = ['memory', 'rabbit']
  if (!named) return all
  return all.filter((kind) => named.split(',').includes(kind))
}

/** oslo's rabbit defaults, with quick reconnects for tests. */
export const testRabbitOptions: TransportSettings['rabbit'] = {
  amqp_durable_queues: false,
  amqp_auto_delete: false,
  rabbit_ha_queues: false,
  rabbit_quorum_queue: false,
  rabbit_transient_queues_ttl: 1800,
  rabbit_qos_prefetch_count: 0,
  heartbeat_timeout_threshold: 60,
  rabbit_retry_interval: 0.2,
  rabbit_retry_backoff: 0.2,
  rabbit_interval_max: 1,
  kombu_missing_consumer_retry_timeout: 60,
  publish_timeout: 30,
}

/** Makes connected transports (and Messaging over them) on one bus; `close` ends them all. */
export interface TestBus {
  readonly kind: BusKind
  /** The transport_url (memory:// or the vhost's rabbit:// URL). */
  readonly url: string
  transport(overrides?: Partial<TransportSettings['rabbit']>): Transport
  messaging(options?: {
    timeoutSeconds?: number
    overrides?: Partial<TransportSettings['rabbit']>
  }): Messaging
}

/** A bus for a test file: a MemoryBroker, or a fresh vhost on the local RabbitMQ. */
export function useTestBus(kind: BusKind): () => TestBus {
  let vhost: RabbitVhost | undefined
  let bus: TestBus | undefined
  const opened: Messaging[] = []
  const transports: Transport[] = []
  beforeAll(async () => {
    if (kind === 'rabbit') vhost = await createRabbitVhost()
    const memoryBroker = new MemoryBroker()
    const url = vhost?.url ?? 'memory://'
    const log = pino({ level: process.env.LEASEHOLD_TEST_LOG ?? 'silent' })
    const transport = (overrides: Partial<TransportSettings['rabbit']> = {}): Transport => {
      const made = createTransport({
        url,
        controlExchange: 'neutron',
        rabbit: { ...testRabbitOptions, ...overrides },
        memoryBroker,
        log,
      })
      transports.push(made)
      return made
    }
    bus = {
      kind,
      url,
      transport,
      messaging: (options = {}) => {
        const messaging = new Messaging(transport(options.overrides), {
          rpcResponseTimeoutSeconds: options.timeoutSeconds ?? 10,
          executorPoolSize: 64,
          log,
        })
        opened.push(messaging)
        return messaging
      },
    }
  }, 60_000)
  afterAll(async () => {
    for (const messaging of opened) await messaging.close()
    for (const transport of transports) await transport.close()
    await vhost?.drop()
  }, 60_000)
  return () => {
    if (!bus) throw new Error('test bus not ready')
    return bus
  }
}

/** Polls `condition` until it holds or the time is up. */
export async function waitFor(
  condition: () => boolean,
  { timeoutMs = 10_000, what = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
