import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { Messaging } from '../src/rpc/messaging.js'
import { adminRpcContext } from '../src/rpc/rpc-context.js'
import { createTransport } from '../src/rpc/transport/create-transport.js'
import { MemoryBroker } from '../src/rpc/transport/memory-transport.js'
import { quantile, type Metric } from './report.js'

/**
 * RPC benchmark: call round trips and cast throughput through the real client and server, on the
 * in-process bus and on the local RabbitMQ (a scratch vhost, publisher confirms on, oslo's queue
 * layout). Client and server share one process, as in `leasehold up`.
 */

/** The buses the RPC benchmark runs on. */
export type BenchBus = 'memory' | 'rabbit'
export const BENCH_BUSES: readonly BenchBus[] = ['memory', 'rabbit']

const WARMUP_CALLS = 300
const SEQUENTIAL_CALLS = 3000
const CONCURRENT_CALLERS = 32
const CONCURRENT_CALLS = 10_000
const CASTS = 20_000

export const RPC_METRICS: readonly Metric[] = [
  { name: 'call round trip, median', unit: 'ms' },
  { name: 'call round trip, p99', unit: 'ms' },
  { name: `calls, ${CONCURRENT_CALLERS} callers`, unit: 'calls/s' },
  { name: 'casts, sent and handled', unit: 'casts/s' },
]

const rabbitOptions = {
  amqp_durable_queues: false,
  amqp_auto_delete: false,
  rabbit_ha_queues: false,
  rabbit_quorum_queue: false,
  rabbit_transient_queues_ttl: 1800,
  rabbit_qos_prefetch_count: 0,
  heartbeat_timeout_threshold: 60,
  rabbit_retry_interval: 1,
  rabbit_retry_backoff: 2,
  rabbit_interval_max: 30,
  kombu_missing_consumer_retry_timeout: 60,
  publish_timeout: 60,
}

/** A scratch vhost on the local broker (rabbitmqctl), removed by `drop`. */
export function scratchVhost(): { url: string; drop: () => void } {
  const vhost = `leasehold-bench-${randomBytes(4).toString('hex')}`
  execFileSync('rabbitmqctl', ['--quiet', 'add_vhost', vhost])
  execFileSync('rabbitmqctl', [
    '--quiet',
    'set_permissions',
    '-p',
    vhost,
    'guest',
    '.*',
    '.*',
    '.*',
  ])
  return {
    url: `rabbit://guest:guest@127.0.0.1:5672/${vhost}`,
    drop: () => execFileSync('rabbitmqctl', ['--quiet', 'delete_vhost', vhost]),
  }
}

async function measure(messaging: Messaging): Promise<Map<string, number>> {
  const results = new Map<string, number>()
  let handled = 0
  const server = messaging.server({ topic: 'bench', server: 'bench-host' }, [
    {
      version: '1.0',
      orderingKey: (method, args) => (method === 'note' ? String(args['network_id']) : undefined),
      methods: {
        echo: (_c, args) => args,
        note: () => {
          handled++
        },
      },
    },
  ])
  await server.start()
  const ctx = adminRpcContext()
  const client = messaging.client({ topic: 'bench', version: '1.0' })
  for (let i = 0; i < WARMUP_CALLS; i++) await client.call(ctx, 'echo', { i })
  const latencies: number[] = []
  for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
    const started = process.hrtime.bigint()
    await client.call(ctx, 'echo', { i, port: { id: 'p', fixed_ips: [] } })
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  results.set('call round trip, median', quantile(latencies, 0.5))
  results.set('call round trip, p99', quantile(latencies, 0.99))

  let next = 0
  const callersStarted = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: CONCURRENT_CALLERS }, async () => {
      while (next < CONCURRENT_CALLS) await client.call(ctx, 'echo', { i: next++ })
    }),
  )
  const callSeconds = Number(process.hrtime.bigint() - callersStarted) / 1e9
  results.set(`calls, ${CONCURRENT_CALLERS} callers`, CONCURRENT_CALLS / callSeconds)

  const caster = client.prepare({ server: 'bench-host' })
  const castsStarted = process.hrtime.bigint()
  const inFlight: Promise<void>[] = []
  for (let i = 0; i < CASTS; i++) {
    inFlight.push(caster.cast(ctx, 'note', { network_id: `net-${i % 16}`, seq: i }))
    if (inFlight.length >= 256) await Promise.all(inFlight.splice(0))
  }
  await Promise.all(inFlight)
  while (handled < CASTS) await new Promise((resolve) => setTimeout(resolve, 1))
  const castSeconds = Number(process.hrtime.bigint() - castsStarted) / 1e9
  results.set('casts, sent and handled', CASTS / castSeconds)
  await server.stop()
  return results
}

/** Runs the RPC benchmark on one bus; everything it made is removed after. */
export async function benchRpc(
  bus: BenchBus,
  progress: (m: string) => void,
): Promise<Map<string, number>> {
  progress(`rpc on ${bus}:`)
  const vhost = bus === 'rabbit' ? scratchVhost() : undefined
  const transport = createTransport({
    url: vhost?.url ?? 'memory://',
    controlExchange: 'neutron',
    rabbit: rabbitOptions,
    memoryBroker: new MemoryBroker(),
    log: pino({ level: 'warn' }),
  })
  const messaging = new Messaging(transport, {
    rpcResponseTimeoutSeconds: 60,
    executorPoolSize: 64,
    log: pino({ level: 'warn' }),
  })
  try {
    return await measure(messaging)
  } finally {
    await messaging.close()
    vhost?.drop()
  }
}
