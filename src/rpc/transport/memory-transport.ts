import { randomUUID } from 'node:crypto'
import { TransportUnavailable } from '../rpc-errors.js'
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

/**
 * `memory://`: the bus inside one process, for `leasehold up` and tests. It keeps RabbitMQ's
 * semantics that the RPC layer relies on: deliveries are asynchronous, a topic queue outlives its
 * consumers and keeps what is sent to it, consumers of one queue share its messages round-robin,
 * unacknowledged messages go back to the queue when their consumer stops, calls expire, and a
 * message for a queue nobody declared is dropped.
 */

interface QueuedMessage {
  readonly body: string
  readonly expiresAt: number | undefined
  redelivered: boolean
}

interface Consumer {
  readonly handler: DeliveryHandler
  readonly unacked: Set<QueuedMessage>
  active: boolean
}

class MemoryQueue {
  readonly messages: QueuedMessage[] = []
  readonly consumers: Consumer[] = []
  private next = 0
  private scheduled = false

  push(message: QueuedMessage): void {
    this.messages.push(message)
    this.schedule()
  }

  schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.drain()
    })
  }

  private pickConsumer(): Consumer | undefined {
    const active = this.consumers.filter((c) => c.active)
    if (active.length === 0) return undefined
    this.next = (this.next + 1) % active.length
    return active[this.next]
  }

  private drain(): void {
    const now = Date.now()
    for (;;) {
      const consumer = this.pickConsumer()
      if (!consumer) return
      const message = this.messages.shift()
      if (!message) return
      if (message.expiresAt !== undefined && message.expiresAt < now) continue
      consumer.unacked.add(message)
      const settle = (): void => {
        consumer.unacked.delete(message)
      }
      const delivery: Delivery = {
        body: message.body,
        contentType: 'application/json',
        redelivered: message.redelivered,
        ack: settle,
        reject: settle,
      }
      consumer.handler(delivery)
    }
  }

  /** Takes a consumer away and puts what it had not acknowledged back at the head of the queue. */
  removeConsumer(consumer: Consumer): void {
    consumer.active = false
    const index = this.consumers.indexOf(consumer)
    if (index >= 0) this.consumers.splice(index, 1)
    const returned = [...consumer.unacked]
    consumer.unacked.clear()
    for (const message of returned) message.redelivered = true
    this.messages.unshift(...returned)
    if (returned.length > 0) this.schedule()
  }
}

/** The shared state of one in-process bus; every MemoryTransport on it sees the same queues. */
export class MemoryBroker {
  private readonly queues = new Map<string, MemoryQueue>()
  /** Control-exchange bindings: routing key → queue names. */
  private readonly topicBindings = new Map<string, Set<string>>()
  /** Fanout exchanges: topic → queue names. */
  private readonly fanoutBindings = new Map<string, Set<string>>()

  declareQueue(name: string): MemoryQueue {
    let queue = this.queues.get(name)
    if (!queue) {
      queue = new MemoryQueue()
      this.queues.set(name, queue)
    }
    return queue
  }

  deleteQueue(name: string): void {
    this.queues.delete(name)
    for (const bound of [...this.topicBindings.values(), ...this.fanoutBindings.values()]) {
      bound.delete(name)
    }
  }

  bind(kind: 'topic' | 'fanout', key: string, queueName: string): void {
    const bindings = kind === 'topic' ? this.topicBindings : this.fanoutBindings
    let bound = bindings.get(key)
    if (!bound) {
      bound = new Set()
      bindings.set(key, bound)
    }
    bound.add(queueName)
  }

  /** Routes a body as the broker would; returns how many queues took it. */
  route(destination: Destination, body: string, options: PublishOptions): number {
    const names = this.queueNamesFor(destination)
    const expiresAt =
      options.expirationMs === undefined ? undefined : Date.now() + options.expirationMs
    let taken = 0
    for (const name of names) {
      const queue = this.queues.get(name)
      if (!queue) continue
      queue.push({ body, expiresAt, redelivered: false })
      taken++
    }
    return taken
  }

  private queueNamesFor(destination: Destination): readonly string[] {
    switch (destination.kind) {
      case 'topic': {
        const key = destination.server
          ? `${destination.topic}.${destination.server}`
          : destination.topic
        return [...(this.topicBindings.get(key) ?? [])]
      }
      case 'fanout':
        return [...(this.fanoutBindings.get(destination.topic) ?? [])]
      case 'reply':
        return [destination.queue]
    }
  }
}

/** One process's connection to a MemoryBroker. */
export class MemoryTransport implements Transport {
  private readonly listeners = new Set<TransportListener>()
  private reply: { name: string; consumer: Consumer } | undefined
  private closed = false

  constructor(private readonly broker: MemoryBroker) {}

  async publish(
    destination: Destination,
    body: string,
    options: PublishOptions = {},
  ): Promise<void> {
    if (this.closed) throw new TransportUnavailable('the in-process transport is closed')
    // Copying through the event loop keeps publish asynchronous, as on a real bus.
    await new Promise<void>((resolve) => setImmediate(resolve))
    this.broker.route(destination, body, options)
  }

  async listen(target: ListenTarget, onDelivery: DeliveryHandler): Promise<TransportListener> {
    if (this.closed) throw new TransportUnavailable('the in-process transport is closed')
    const fanoutQueue = `${target.topic}_fanout_${randomUUID().replaceAll('-', '')}`
    const names = [target.topic, `${target.topic}.${target.server}`, fanoutQueue]
    const consumers: [MemoryQueue, Consumer][] = names.map((name) => {
      const queue = this.broker.declareQueue(name)
      const consumer: Consumer = { handler: onDelivery, unacked: new Set(), active: true }
      queue.consumers.push(consumer)
      queue.schedule()
      return [queue, consumer]
    })
    this.broker.bind('topic', target.topic, target.topic)
    this.broker.bind(
      'topic',
      `${target.topic}.${target.server}`,
      `${target.topic}.${target.server}`,
    )
    this.broker.bind('fanout', target.topic, fanoutQueue)
    const listener: TransportListener = {
      cancel: async () => {
        for (const [, consumer] of consumers) consumer.active = false
      },
      close: async () => {
        if (!this.listeners.delete(listener)) return
        for (const [queue, consumer] of consumers) queue.removeConsumer(consumer)
        // Like oslo on a clean shutdown: the private fanout queue goes, topic queues stay.
        this.broker.deleteQueue(fanoutQueue)
      },
    }
    this.listeners.add(listener)
    return listener
  }

  async replyQueue(onDelivery: DeliveryHandler): Promise<string> {
    if (this.closed) throw new TransportUnavailable('the in-process transport is closed')
    if (!this.reply) {
      const name = `reply_${randomUUID().replaceAll('-', '')}`
      const consumer: Consumer = { handler: onDelivery, unacked: new Set(), active: true }
      this.broker.declareQueue(name).consumers.push(consumer)
      this.reply = { name, consumer }
    }
    return this.reply.name
  }

  onEvent(_listener: (event: TransportEvent) => void): () => void {
    return () => undefined
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const listener of [...this.listeners]) await listener.close()
    if (this.reply) this.broker.deleteQueue(this.reply.name)
  }
}
