import { randomUUID } from 'node:crypto'
import type {
  Channel,
  ChannelModel,
  ConfirmChannel,
  ConsumeMessage,
  Message,
  Options,
} from 'amqplib'
import type { Logger } from 'pino'
import { TransportUnavailable } from '../rpc-errors.js'
import { ConnectionKeeper } from './amqp-connection.js'
import { queueLayout, type QueueLayout } from './amqp-layout.js'
import type { BrokerAddress } from './transport-url.js'
import type {
  Delivery,
  DeliveryHandler,
  Destination,
  ListenTarget,
  PublishOptions,
  Transport,
  TransportEvent,
  TransportListener,
} from './transport.js'

/** Settings of the RabbitMQ transport: oslo's `[oslo_messaging_rabbit]` options, in seconds. */
export interface AmqpTransportOptions {
  readonly brokers: readonly BrokerAddress[]
  readonly vhost: string
  readonly controlExchange: string
  readonly durableQueues: boolean
  readonly autoDelete: boolean
  readonly haQueues: boolean
  readonly quorumQueues: boolean
  readonly transientQueuesTtlSeconds: number
  readonly prefetchCount: number
  readonly heartbeatSeconds: number
  readonly retryIntervalSeconds: number
  readonly retryBackoffSeconds: number
  readonly intervalMaxSeconds: number
  readonly missingConsumerRetrySeconds: number
  readonly publishTimeoutSeconds: number
  readonly log: Logger
}

/** AMQP errors that no reconnect will fix (refused declaration, access, missing exchange). */
function isPermanent(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return code === 403 || code === 404 || code === 406
}

interface ConsumerSpec {
  readonly queue: string
  readonly onMessage: (channel: Channel, message: ConsumeMessage) => void
}

/**
 * RabbitMQ in oslo.messaging's rabbit wire layout (spec oslo-messaging-wire §1–§4). Publishes go
 * through a confirm channel and resolve once the broker has taken the message; while the broker is
 * away they wait for the reconnect and are sent again (the body, and so its `_unique_id`, is the
 * same, so a receiver drops a copy), or fail with TransportUnavailable after `publish_timeout`.
 * Consumers are declared again on every reconnect.
 */
export class AmqpTransport implements Transport {
  private readonly keeper: ConnectionKeeper
  private readonly layout: QueueLayout
  private publisher: { channel: ConfirmChannel; exchanges: Set<string> } | undefined
  private readonly listeners = new Set<AmqpListener>()
  private reply:
    | {
        name: string
        consumer: ConsumerSpec
        attaching?: { connection: ChannelModel; done: Promise<void> }
      }
    | undefined
  private readonly log: Logger
  /** Bodies of replies the broker returned, with when it first did. */
  private readonly returnedSince = new Map<string, number>()

  constructor(private readonly options: AmqpTransportOptions) {
    this.log = options.log.child({ component: 'amqp' })
    this.layout = queueLayout(options)
    this.keeper = new ConnectionKeeper({ ...options, log: this.log }, (connection) =>
      this.setupConnection(connection),
    )
    this.keeper.start()
  }

  onEvent(listener: (event: TransportEvent) => void): () => void {
    return this.keeper.onEvent(listener)
  }

  async publish(
    destination: Destination,
    body: string,
    options: PublishOptions = {},
  ): Promise<void> {
    const deadline = Date.now() + this.options.publishTimeoutSeconds * 1000
    const content = Buffer.from(body, 'utf8')
    for (;;) {
      const connection = await this.keeper.open(deadline)
      try {
        // A connection that went silent (a network partition) closes only when heartbeats
        // notice, long after publish_timeout; the caller must hear of it by the deadline.
        await beforeDeadline(
          deadline,
          this.publisherOn(connection).then((publisher) =>
            this.publishOnce(publisher, destination, content, options),
          ),
        )
        return
      } catch (error) {
        if (isPermanent(error)) throw error
        if (Date.now() >= deadline) {
          throw new TransportUnavailable('the message broker did not take the message in time', {
            cause: error,
          })
        }
        this.log.debug({ err: error }, 'publish interrupted; sending again after the reconnect')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }

  /**
   * Starts consuming. With the broker up, declaration errors (a queue declared with other flags,
   * say) reach the caller. With it down, the wait ends after `publish_timeout` and the listener
   * attaches as soon as the connection is up.
   */
  async listen(target: ListenTarget, onDelivery: DeliveryHandler): Promise<TransportListener> {
    const listener = new AmqpListener(
      this.layout,
      target,
      onDelivery,
      this.options.prefetchCount,
      this.log,
    )
    listener.onClosed = () => this.listeners.delete(listener)
    this.listeners.add(listener)
    let connection: ChannelModel
    try {
      connection = await this.keeper.open(Date.now() + this.options.publishTimeoutSeconds * 1000)
    } catch (error) {
      if (!(error instanceof TransportUnavailable)) throw error
      this.log.warn({ topic: target.topic }, 'broker unreachable; consuming once it is back')
      return listener
    }
    try {
      await listener.attach(connection)
    } catch (error) {
      this.listeners.delete(listener)
      throw error
    }
    return listener
  }

  async replyQueue(onDelivery: DeliveryHandler): Promise<string> {
    if (!this.reply) {
      const name = `reply_${randomUUID().replaceAll('-', '')}`
      this.reply = { name, consumer: { queue: name, onMessage: deliveryAdapter(onDelivery) } }
    }
    const connection = await this.keeper.open(
      Date.now() + this.options.publishTimeoutSeconds * 1000,
    )
    await this.attachReply(connection)
    return this.reply.name
  }

  async close(): Promise<void> {
    for (const listener of [...this.listeners]) await listener.close()
    await this.keeper.close()
  }

  /** Runs on every (re)connection: consumers come back before anybody publishes again. */
  private async setupConnection(connection: ChannelModel): Promise<void> {
    this.publisher = undefined
    if (this.reply) await this.attachReply(connection)
    for (const listener of this.listeners) this.attachOrRetry(listener, connection)
  }

  /**
   * Attaches a listener to a (new) connection; when declaring fails (a queue declared meanwhile
   * with other flags, say), logs it and tries again while the connection lasts, so a server
   * does not stay deaf after a reconnect.
   */
  private attachOrRetry(listener: AmqpListener, connection: ChannelModel, delayMs = 1000): void {
    listener.attach(connection).catch((error: unknown) => {
      this.log.error(
        { err: error, topic: listener.target.topic },
        'cannot consume from the topic; retrying',
      )
      setTimeout(() => {
        if (this.keeper.current() === connection && this.listeners.has(listener)) {
          this.attachOrRetry(listener, connection, Math.min(delayMs * 2, 30_000))
        }
      }, delayMs).unref()
    })
  }

  /** Declares and consumes the reply queue on a connection, once per connection. */
  private attachReply(connection: ChannelModel): Promise<void> {
    const reply = this.reply
    if (!reply) return Promise.resolve()
    if (reply.attaching?.connection !== connection) {
      const done = (async () => {
        const channel = await connection.createChannel()
        channel.on('error', (error: Error) => this.log.warn({ err: error }, 'reply channel error'))
        await channel.assertQueue(reply.name, this.layout.transientQueue())
        await channel.consume(reply.name, (message) => {
          if (message) reply.consumer.onMessage(channel, message)
        })
      })()
      reply.attaching = { connection, done }
      done.catch(() => {
        if (reply.attaching?.done === done) reply.attaching = undefined
      })
    }
    return reply.attaching.done
  }

  private async publisherOn(
    connection: ChannelModel,
  ): Promise<{ channel: ConfirmChannel; exchanges: Set<string> }> {
    if (this.publisher) return this.publisher
    const channel = await connection.createConfirmChannel()
    const publisher = { channel, exchanges: new Set<string>() }
    channel.on('error', (error: Error) => this.log.warn({ err: error }, 'publish channel error'))
    channel.on('return', (message: Message) => this.returned(message))
    channel.once('close', () => {
      if (this.publisher === publisher) this.publisher = undefined
    })
    this.publisher = publisher
    return publisher
  }

  private async publishOnce(
    publisher: { channel: ConfirmChannel; exchanges: Set<string> },
    destination: Destination,
    content: Buffer,
    options: PublishOptions,
  ): Promise<void> {
    const route = this.layout.route(destination)
    if (route.declare && !publisher.exchanges.has(route.exchange)) {
      await publisher.channel.assertExchange(
        route.exchange,
        route.declare.type,
        route.declare.options,
      )
      publisher.exchanges.add(route.exchange)
    }
    const properties: Options.Publish = {
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      deliveryMode: 2,
      priority: 0,
      headers: {},
      mandatory: destination.kind === 'reply',
      ...(options.expirationMs === undefined ? {} : { expiration: String(options.expirationMs) }),
    }
    await new Promise<void>((resolve, reject) => {
      publisher.channel.publish(
        route.exchange,
        route.routingKey,
        content,
        properties,
        (error: unknown) =>
          error
            ? reject(error instanceof Error ? error : new Error('publish was not confirmed'))
            : resolve(),
      )
    })
  }

  /**
   * A reply the broker could not route: its caller's reply queue is missing (the broker restarted
   * and the caller has not declared it again yet). Retry every 250 ms as oslo does, then drop it.
   */
  private returned(message: Message): void {
    if (message.fields.exchange !== '') return
    const queue = message.fields.routingKey
    const body = message.content.toString('utf8')
    const key = `${queue}\n${body}`
    const firstReturn = this.returnedSince.get(key) ?? Date.now()
    if (Date.now() - firstReturn > this.options.missingConsumerRetrySeconds * 1000) {
      this.returnedSince.delete(key)
      this.log.warn({ reply_q: queue }, 'no reply queue; the reply is dropped')
      return
    }
    if (!this.returnedSince.has(key)) {
      this.returnedSince.set(key, firstReturn)
      const forget = (this.options.missingConsumerRetrySeconds + 5) * 1000
      setTimeout(() => this.returnedSince.delete(key), forget).unref()
    }
    setTimeout(() => {
      this.publish({ kind: 'reply', queue }, body).catch((error: unknown) =>
        this.log.warn({ err: error, reply_q: queue }, 'could not send a reply again'),
      )
    }, 250).unref()
  }
}

/**
 * Settles as `work` does, or fails with TransportUnavailable at `deadline` (epoch ms). Work that
 * ends later is not awaited: a message confirmed after its caller was told otherwise is a copy
 * the caller may send again, which is better than a caller that waits without end.
 */
function beforeDeadline(deadline: number, work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new TransportUnavailable('the message broker did not confirm in time')),
      Math.max(0, deadline - Date.now()),
    )
  })
  work.catch(() => undefined) // a failure after the deadline has nobody left to tell
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

/** Turns amqplib messages into Deliveries that ack on the channel they came from. */
function deliveryAdapter(onDelivery: DeliveryHandler): ConsumerSpec['onMessage'] {
  return (channel, message) => {
    let settled = false
    const settle = (ack: boolean): void => {
      if (settled) return
      settled = true
      try {
        if (ack) channel.ack(message)
        else channel.reject(message, false)
      } catch {
        // The channel is gone; the broker gives the message to a consumer again.
      }
    }
    onDelivery({
      body: message.content.toString('utf8'),
      contentType: message.properties.contentType as string | undefined,
      redelivered: message.fields.redelivered,
      ack: () => settle(true),
      reject: () => settle(false),
    } satisfies Delivery)
  }
}

/** The three consumers of one RPC server, declared again on every connection. */
class AmqpListener implements TransportListener {
  private channel: Channel | undefined
  private readonly fanoutQueue: string
  private readonly onMessage: ConsumerSpec['onMessage']
  private cancelled = false
  private attaching: { connection: ChannelModel; done: Promise<void> } | undefined
  onClosed: (() => void) | undefined

  constructor(
    private readonly layout: QueueLayout,
    readonly target: ListenTarget,
    onDelivery: DeliveryHandler,
    private readonly prefetchCount: number,
    private readonly log: Logger,
  ) {
    this.fanoutQueue = `${target.topic}_fanout_${randomUUID().replaceAll('-', '')}`
    this.onMessage = deliveryAdapter(onDelivery)
  }

  /** Declares and consumes on a connection; a second call for the same connection waits for the first. */
  attach(connection: ChannelModel): Promise<void> {
    if (this.attaching?.connection !== connection) {
      const done = this.attachTo(connection)
      this.attaching = { connection, done }
      done.catch(() => {
        if (this.attaching?.done === done) this.attaching = undefined
      })
    }
    return this.attaching.done
  }

  private async attachTo(connection: ChannelModel): Promise<void> {
    if (this.cancelled) return
    const channel = await connection.createChannel()
    channel.on('error', (error: Error) =>
      this.log.warn({ err: error, topic: this.target.topic }, 'consumer channel error'),
    )
    try {
      if (this.prefetchCount > 0) await channel.prefetch(this.prefetchCount)
      const queues = await this.layout.declareServerQueues(channel, this.target, this.fanoutQueue)
      let tag = 1
      for (const queue of queues) {
        await channel.consume(
          queue,
          (message) => {
            if (message) this.onMessage(channel, message)
          },
          { noAck: false, consumerTag: String(tag++) },
        )
      }
    } catch (error) {
      await channel.close().catch(() => undefined)
      throw error
    }
    this.channel = channel
  }

  async cancel(): Promise<void> {
    this.cancelled = true
    const channel = this.channel
    if (!channel) return
    for (const tag of ['1', '2', '3']) await channel.cancel(tag).catch(() => undefined)
  }

  async close(): Promise<void> {
    await this.cancel()
    const channel = this.channel
    this.channel = undefined
    this.onClosed?.()
    if (!channel) return
    // As oslo on a clean shutdown: the private fanout queue goes; topic queues stay.
    await channel.deleteQueue(this.fanoutQueue).catch(() => undefined)
    await channel.close().catch(() => undefined)
  }
}
