import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { describe, expect, it, onTestFinished } from 'vitest'
import { Messaging } from '../../../src/rpc/messaging.js'
import { adminRpcContext } from '../../../src/rpc/rpc-context.js'
import { TransportUnavailable } from '../../../src/rpc/rpc-errors.js'
import {
  createTransport,
  type TransportSettings,
} from '../../../src/rpc/transport/create-transport.js'
import type { TransportEvent } from '../../../src/rpc/transport/transport.js'
import type { RpcCaller, RpcEndpoint } from '../../../src/rpc/types.js'
import { usePrivateBroker, type PrivateBroker } from '../../support/private-broker.js'
import { createRabbitVhost, listQueues } from '../../support/rabbitmq.js'
import { testRabbitOptions, waitFor } from '../../support/rpc.js'

const ctx = adminRpcContext()
const log = pino({ level: process.env.LEASEHOLD_TEST_LOG ?? 'silent' })

/** A Messaging whose transport events are recorded with their times; closed after the test. */
function openMessaging(url: string, overrides: Partial<TransportSettings['rabbit']> = {}) {
  const transport = createTransport({
    url,
    controlExchange: 'neutron',
    rabbit: { ...testRabbitOptions, ...overrides },
    log,
  })
  const messaging = new Messaging(transport, {
    rpcResponseTimeoutSeconds: 10,
    executorPoolSize: 64,
    log,
  })
  const events: { event: TransportEvent; at: number }[] = []
  messaging.onTransportEvent((event) => events.push({ event, at: Date.now() }))
  onTestFinished(() => messaging.close())
  const at = (event: TransportEvent) => events.find((e) => e.event === event)?.at
  return { messaging, events, at }
}

/** A fresh vhost on the private broker (so each test starts without queues), dropped after. */
async function freshVhost(broker: PrivateBroker) {
  const vhost = await createRabbitVhost(broker)
  onTestFinished(() => vhost.drop())
  return vhost
}

/** An endpoint recording the `seq` of each `record` cast; casts about one `key` run in order. */
function recorder(before: (seq: number) => Promise<void> | void = () => undefined) {
  const handled: number[] = []
  const endpoint: RpcEndpoint = {
    version: '1.0',
    methods: {
      record: async (_c, args) => {
        const seq = Number(args['seq'])
        await before(seq)
        handled.push(seq)
      },
      echo: (_c, args) => args,
    },
    orderingKey: (_m, args) => (typeof args['key'] === 'string' ? args['key'] : undefined),
  }
  return { handled, endpoint }
}

const keyOf = (seq: number) => `net-${seq % 4}`

/** What a stream of casts saw: seqs whose cast was refused (and then sent again), the slowest cast. */
interface StreamReport {
  readonly rejected: number[]
  readonly slowestMs: number
}

/**
 * Casts seq 0..count-1 one after the other, each awaited; a cast refused with TransportUnavailable
 * is sent again, as a caller that is told can. `during(seq)` runs after each confirmed cast.
 */
async function castStream(
  caller: RpcCaller,
  count: number,
  during: (seq: number) => void,
): Promise<StreamReport> {
  const rejected: number[] = []
  let slowestMs = 0
  for (let seq = 0; seq < count; seq++) {
    for (;;) {
      const started = Date.now()
      try {
        await caller.cast(ctx, 'record', { seq, key: keyOf(seq) })
        break
      } catch (error) {
        if (!(error instanceof TransportUnavailable)) throw error
        rejected.push(seq)
      } finally {
        slowestMs = Math.max(slowestMs, Date.now() - started)
      }
    }
    during(seq)
  }
  return { rejected, slowestMs }
}

/** Seqs of 0..count-1 never handled, seqs handled more than once, keys whose order broke. */
function audit(handled: readonly number[], count: number) {
  const times = new Map<number, number>()
  for (const seq of handled) times.set(seq, (times.get(seq) ?? 0) + 1)
  const missing = [...Array(count).keys()].filter((seq) => !times.has(seq))
  const duplicates = [...times].filter(([, n]) => n > 1).map(([seq]) => seq)
  const lastOfKey = new Map<string, number>()
  const outOfOrder: number[] = []
  const firsts = handled.filter((seq, i) => handled.indexOf(seq) === i)
  for (const seq of firsts) {
    if ((lastOfKey.get(keyOf(seq)) ?? -1) > seq) outOfOrder.push(seq)
    lastOfKey.set(keyOf(seq), seq)
  }
  return { missing, duplicates, outOfOrder }
}

describe('RPC over a RabbitMQ node that restarts', () => {
  const broker = usePrivateBroker()
  const durable = { amqp_durable_queues: true }
  const newTopic = () => `restart_${randomBytes(4).toString('hex')}`

  const streams = [
    { how: 'restarts', hard: false, publishTimeout: 30 },
    { how: 'is killed (SIGKILL)', hard: true, publishTimeout: 30 },
    { how: 'restarts and casts outlast a 2 s publish_timeout', hard: false, publishTimeout: 2 },
  ]
  for (const { how, hard, publishTimeout } of streams) {
    it(`loses no cast of a stream when the broker ${how} (durable queues)`, async () => {
      const count = 3000
      const restartAfter = 1000
      const holdFrom = 500
      const vhost = await freshVhost(broker())
      const topic = newTopic()
      // From seq 500 on, the server holds its work until the broker is back: the casts confirmed
      // meanwhile wait in the durable queue (prefetch 20) when the broker goes down.
      let release = (): void => undefined
      const held = new Promise<void>((resolve) => (release = resolve))
      const { handled, endpoint } = recorder(async (seq) => {
        if (seq >= holdFrom) await held
      })
      const server = openMessaging(vhost.url, { ...durable, rabbit_qos_prefetch_count: 20 })
      await server.messaging.server({ topic, server: 'host-s' }, [endpoint]).start()
      const client = openMessaging(vhost.url, { ...durable, publish_timeout: publishTimeout })
      const caller = client.messaging
        .client({ topic, version: '1.0' })
        .prepare({ server: 'host-s' })

      let restart: Promise<{ startedAt: number; backAt: number; backlog: number }> | undefined
      onTestFinished(() => restart?.then(() => undefined)) // the broker is up again before cleanup
      const began = Date.now()
      const report = await castStream(caller, count, (seq) => {
        if (seq !== restartAfter - 1) return
        const startedAt = Date.now()
        const backlog = restartAfter - handled.length
        restart = broker()
          .restart({ hard })
          .then(() => ({ startedAt, backAt: Date.now(), backlog }))
          .finally(release)
        restart.catch(() => undefined) // awaited below; this only marks it handled meanwhile
      })
      const { startedAt, backAt, backlog } = await restart!
      await waitFor(() => new Set(handled).size === count, {
        timeoutMs: 60_000,
        what: `all ${count} casts handled`,
      })

      const { missing, duplicates, outOfOrder } = audit(handled, count)
      const since = (at: number | undefined) =>
        at === undefined ? 'never' : `+${at - startedAt} ms`
      console.info(
        `[broker ${how}] ${count} casts in ${Date.now() - began} ms; ${backlog} confirmed casts ` +
          `queued at the stop; broker accepting again +${backAt - startedAt} ms; client ` +
          `disconnected ${since(client.at('disconnected'))}, reconnected ` +
          `${since(client.at('reconnected'))}; server reconnected ${since(server.at('reconnected'))}; ` +
          `slowest cast ${report.slowestMs} ms; refused and resent: ${JSON.stringify(report.rejected)}; ` +
          `handled twice: ${JSON.stringify(duplicates)}`,
      )
      expect(backlog).toBeGreaterThanOrEqual(restartAfter - holdFrom)
      // each cast was confirmed or refused within publish_timeout, and refused only if the outage
      // was longer (1 s of slack for scheduling)
      expect(report.slowestMs).toBeLessThan(publishTimeout * 1000 + 1000)
      if (publishTimeout * 1000 < backAt - startedAt) expect(report.rejected).not.toEqual([])
      else expect(report.rejected).toEqual([])
      expect(missing).toEqual([])
      // _unique_id dedupe: only a cast the test itself sent again may arrive twice
      expect(duplicates.filter((seq) => !report.rejected.includes(seq))).toEqual([])
      expect(outOfOrder).toEqual([])
      for (const peer of [client, server]) {
        expect(peer.events.map((e) => e.event)).toEqual([
          'connected',
          'disconnected',
          'reconnected',
        ])
      }
    }, 240_000)
  }

  it('declares transient queues again after a restart: calls work, no publish hangs (default queues)', async () => {
    const count = 600
    const restartAfter = 200
    const publishTimeout = 10
    const vhost = await freshVhost(broker())
    const topic = newTopic()
    const { handled, endpoint } = recorder()
    const server = openMessaging(vhost.url)
    await server.messaging.server({ topic, server: 'host-s' }, [endpoint]).start()
    const client = openMessaging(vhost.url, { publish_timeout: publishTimeout })
    const caller = client.messaging.client({ topic, version: '1.0' }).prepare({ server: 'host-s' })
    expect(await caller.call(ctx, 'echo', { before: 1 })).toEqual({ before: 1 })

    let restart: Promise<number> | undefined
    onTestFinished(() => restart?.then(() => undefined)) // the broker is up again before cleanup
    const startedAt = { value: 0 }
    const report = await castStream(caller, count, (seq) => {
      if (seq !== restartAfter - 1) return
      startedAt.value = Date.now()
      restart = broker()
        .restart()
        .then(() => Date.now())
      restart.catch(() => undefined) // awaited below
    })
    const backAt = await restart!
    await waitFor(() => client.at('reconnected') !== undefined, { what: 'client reconnected' })
    await waitFor(() => server.at('reconnected') !== undefined, { what: 'server reconnected' })

    const queues = await listQueues(vhost.vhost, broker())
    expect(queues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: topic, durable: false, consumers: 1 }),
        expect.objectContaining({ name: `${topic}.host-s`, durable: false, consumers: 1 }),
        expect.objectContaining({
          name: expect.stringMatching(/^reply_[0-9a-f]{32}$/),
          consumers: 1,
        }),
      ]),
    )
    expect(await caller.call(ctx, 'echo', { after: 1 })).toEqual({ after: 1 })
    // a cast made once the server consumes again arrives; casts before it may be gone
    await caller.cast(ctx, 'record', { seq: count, key: keyOf(count) })
    await waitFor(() => handled.includes(count), { what: 'a cast after the restart' })
    const { missing } = audit(handled, count)
    console.info(
      `[transient queues] broker accepting again +${backAt - startedAt.value} ms; client ` +
        `reconnected +${(client.at('reconnected') ?? 0) - startedAt.value} ms, server +` +
        `${(server.at('reconnected') ?? 0) - startedAt.value} ms; slowest cast ${report.slowestMs} ms; ` +
        `refused: ${report.rejected.length}; lost (in the transient queue at the stop, or sent ` +
        `before the server had declared it again): ${missing.length} ` +
        `${JSON.stringify(missing)}`,
    )
    // every publish resolved or failed loudly within publish_timeout (plus scheduling slack)
    expect(report.slowestMs).toBeLessThan(publishTimeout * 1000 + 1000)
  }, 120_000)
})
