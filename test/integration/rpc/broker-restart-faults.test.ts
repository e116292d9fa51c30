import { randomBytes } from 'node:crypto'
import * as amqp from 'amqplib'
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
import type { RpcEndpoint } from '../../../src/rpc/types.js'
import { usePrivateBroker, type PrivateBroker } from '../../support/private-broker.js'
import { acceptsAmqp, brokerUrls, createRabbitVhost, listQueues } from '../../support/rabbitmq.js'
import { testRabbitOptions, waitFor } from '../../support/rpc.js'
import { startTcpProxy } from '../../support/tcp-proxy.js'

const ctx = adminRpcContext()
const log = pino({ level: process.env.LEASEHOLD_TEST_LOG ?? 'silent' })
const durable = { amqp_durable_queues: true }

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

/** An endpoint that records the `seq` of each `record` cast and echoes calls. */
function recorder() {
  const handled: number[] = []
  const endpoint: RpcEndpoint = {
    version: '1.0',
    methods: {
      record: (_c, args) => {
        handled.push(Number(args['seq']))
      },
      echo: (_c, args) => args,
    },
  }
  return { handled, endpoint }
}

/** Tracks a promise's outcome and when it came, so a test can look without awaiting it. */
function track(promise: Promise<unknown>) {
  const state: { settledAt?: number; error?: unknown } = {}
  const done = promise.then(
    () => {
      state.settledAt = Date.now()
    },
    (error: unknown) => {
      state.settledAt = Date.now()
      state.error = error
    },
  )
  return { state, done }
}

const newTopic = () => `faults_${randomBytes(4).toString('hex')}`

describe('RPC over RabbitMQ: a broker that is down, a cut network, refused declarations', () => {
  const broker = usePrivateBroker()

  /** A server on (topic, host-s) and a client casting to it, both on `url`. */
  async function serveAndCall(url: string, clientOverrides: Partial<TransportSettings['rabbit']>) {
    const topic = newTopic()
    const { handled, endpoint } = recorder()
    const server = openMessaging(url, durable)
    await server.messaging.server({ topic, server: 'host-s' }, [endpoint]).start()
    const client = openMessaging(url, { ...durable, ...clientOverrides })
    await waitFor(() => client.at('connected') !== undefined, { what: 'client connected' })
    const caller = client.messaging.client({ topic, version: '1.0' }).prepare({ server: 'host-s' })
    return { handled, server, client, caller }
  }

  it('holds a cast made while the broker is down and delivers it once the broker is back', async () => {
    const vhost = await freshVhost(broker())
    const { handled, caller } = await serveAndCall(vhost.url, { publish_timeout: 20 })

    let cast: ReturnType<typeof track> | undefined
    let pendingWhileDown: boolean | undefined
    let downUntil = 0
    await broker().restart({
      whileDown: async () => {
        cast = track(caller.cast(ctx, 'record', { seq: 7 }))
        const refused = !(await acceptsAmqp(vhost.amqpUrl, 1000))
        pendingWhileDown = refused && cast.state.settledAt === undefined
        downUntil = Date.now()
      },
    })
    await cast!.done
    expect(pendingWhileDown).toBe(true)
    expect(cast!.state.error).toBeUndefined()
    expect(cast!.state.settledAt).toBeGreaterThan(downUntil)
    await waitFor(() => handled.includes(7), { what: 'the cast made while down' })
    console.info(
      `[cast while down] confirmed ${(cast!.state.settledAt ?? 0) - downUntil} ms after the ` +
        'broker was started again',
    )
  }, 120_000)

  it('fails a cast loudly when the broker stays down past publish_timeout, and keeps nothing', async () => {
    const vhost = await freshVhost(broker())
    const { handled, client, caller } = await serveAndCall(vhost.url, { publish_timeout: 2 })

    let cast: ReturnType<typeof track> | undefined
    let startedAt = 0
    await broker().restart({
      whileDown: async () => {
        startedAt = Date.now()
        cast = track(caller.cast(ctx, 'record', { seq: 1 }))
        await cast.done // the broker stays down until the cast has failed
      },
    })
    expect(cast!.state.error).toBeInstanceOf(TransportUnavailable)
    const tookMs = (cast!.state.settledAt ?? 0) - startedAt
    expect(tookMs).toBeGreaterThanOrEqual(1900)
    expect(tookMs).toBeLessThan(3000)

    await waitFor(() => client.at('reconnected') !== undefined, { what: 'client reconnected' })
    await caller.cast(ctx, 'record', { seq: 2 })
    await waitFor(() => handled.includes(2), { what: 'the cast after the restart' })
    expect(handled).toEqual([2]) // the refused cast was not sent later behind the caller's back
    console.info(`[cast past publish_timeout] refused after ${tookMs} ms`)
  }, 120_000)

  it('reconnects by itself after the network resets its connections', async () => {
    const vhost = await freshVhost(broker())
    const proxy = await startTcpProxy(broker().port)
    onTestFinished(() => proxy.close())
    const url = brokerUrls(proxy.port, vhost.vhost).url
    const { handled, server, client, caller } = await serveAndCall(url, { publish_timeout: 20 })
    expect(await caller.call(ctx, 'echo', { n: 1 })).toEqual({ n: 1 })

    await proxy.cut('reset')
    await waitFor(() => !!client.at('disconnected') && !!server.at('disconnected'), {
      what: 'both transports disconnected',
    })
    const cast = track(caller.cast(ctx, 'record', { seq: 3 }))
    const restoredAt = Date.now()
    await proxy.restore()
    await waitFor(() => !!client.at('reconnected') && !!server.at('reconnected'), {
      what: 'both transports reconnected',
    })
    expect(await caller.call(ctx, 'echo', { n: 2 })).toEqual({ n: 2 })
    await cast.done
    expect(cast.state.error).toBeUndefined()
    await waitFor(() => handled.includes(3), { what: 'the cast made during the cut' })
    for (const peer of [client, server]) {
      expect(peer.events.map((e) => e.event)).toEqual(['connected', 'disconnected', 'reconnected'])
    }
    console.info(
      `[network reset] reconnected ${(client.at('reconnected') ?? 0) - restoredAt} ms (client) and ` +
        `${(server.at('reconnected') ?? 0) - restoredAt} ms (server) after the network came back`,
    )
  }, 60_000)

  it('fails a cast within publish_timeout when the network goes silent, and works after', async () => {
    const vhost = await freshVhost(broker())
    const proxy = await startTcpProxy(broker().port)
    onTestFinished(() => proxy.close())
    const url = brokerUrls(proxy.port, vhost.vhost).url
    const { handled, caller } = await serveAndCall(url, { publish_timeout: 2 })
    onTestFinished(() => proxy.restore()) // runs first: closing over a silent network would hang
    expect(await caller.call(ctx, 'echo', { n: 1 })).toEqual({ n: 1 })

    // A partition: no RST, so only heartbeats (60 s here) would ever close the connection.
    await proxy.cut('blackhole')
    const startedAt = Date.now()
    const cast = track(caller.cast(ctx, 'record', { seq: 4 }))
    await cast.done
    const tookMs = (cast.state.settledAt ?? 0) - startedAt
    expect(cast.state.error).toBeInstanceOf(TransportUnavailable)
    expect(tookMs).toBeLessThan(3000)

    await proxy.restore()
    expect(await caller.call(ctx, 'echo', { n: 2 })).toEqual({ n: 2 })
    // The held bytes went through on restore: the refused cast may arrive after all (told, not lost).
    console.info(
      `[network silent] cast refused after ${tookMs} ms; it arrived after the restore: ` +
        `${handled.includes(4)}`,
    )
  }, 60_000)

  it('refuses to listen where the queues exist with other flags (406), and serves other topics', async () => {
    const vhost = await freshVhost(broker())
    const topic = newTopic()
    // a peer with Neutron's default (amqp_durable_queues=false) declared the topic queues first
    const raw = await amqp.connect(vhost.amqpUrl)
    const channel = await raw.createChannel()
    await channel.assertQueue(topic, { durable: false })
    await channel.assertQueue(`${topic}.host-s`, { durable: false })
    await raw.close()

    const peer = openMessaging(vhost.url, durable)
    const { handled, endpoint } = recorder()
    const refused = await peer.messaging
      .server({ topic, server: 'host-s' }, [endpoint])
      .start()
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({ code: 406 })
    expect(String(refused)).toMatch(/PRECONDITION_FAILED - inequivalent arg 'durable'/)

    const other = newTopic()
    await peer.messaging.server({ topic: other, server: 'host-s' }, [endpoint]).start()
    const caller = peer.messaging.client({ topic: other, version: '1.0' })
    expect(await caller.call(ctx, 'echo', { n: 1 })).toEqual({ n: 1 })
    await caller.cast(ctx, 'record', { seq: 5 })
    await waitFor(() => handled.includes(5), { what: 'a cast on the other topic' })
    expect(peer.events.map((e) => e.event)).toEqual(['connected']) // the connection stayed up
    const queues = await listQueues(vhost.vhost, broker())
    expect(queues.find((q) => q.name === topic)).toMatchObject({ durable: false, consumers: 0 })
    expect(queues.find((q) => q.name === other)).toMatchObject({ durable: true, consumers: 1 })
  }, 60_000)

  it('fails a cast through a control exchange declared with other flags at once (406)', async () => {
    const vhost = await freshVhost(broker())
    const transient = openMessaging(vhost.url)
    await transient.messaging.client({ topic: newTopic() }).cast(ctx, 'record', { seq: 0 })

    const peer = openMessaging(vhost.url, { ...durable, publish_timeout: 20 })
    const startedAt = Date.now()
    const refused = await peer.messaging
      .client({ topic: newTopic() })
      .cast(ctx, 'record', { seq: 6 })
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({ code: 406 })
    expect(String(refused)).toMatch(/PRECONDITION_FAILED.*exchange 'neutron'/)
    expect(Date.now() - startedAt).toBeLessThan(5000) // not retried until publish_timeout
    // the refusal closed a channel, not the connection: the default-flag peer goes on
    await transient.messaging.client({ topic: newTopic() }).cast(ctx, 'record', { seq: 1 })
    expect(peer.events.map((e) => e.event)).toEqual(['connected'])
  }, 60_000)
})
