import type { Channel, Options } from 'amqplib'
import type { Destination, ListenTarget } from './transport.js'

/** The queue flags that every peer on a broker must agree on (spec oslo-messaging-wire §1.3). */
export interface LayoutOptions {
  readonly controlExchange: string
  readonly durableQueues: boolean
  readonly autoDelete: boolean
  readonly haQueues: boolean
  readonly quorumQueues: boolean
  readonly transientQueuesTtlSeconds: number
}

/** Where a publish goes and which exchange it first declares. */
export interface Route {
  readonly exchange: string
  readonly routingKey: string
  readonly declare?: { readonly type: 'topic' | 'fanout'; readonly options: Options.AssertExchange }
}

/** Declarations and routes exactly as oslo.messaging's rabbit driver makes them. */
export interface QueueLayout {
  route(destination: Destination): Route
  /** Flags of a reply or fanout queue: transient, with x-expires. */
  transientQueue(): Options.AssertQueue
  /** Declares and binds `<topic>`, `<topic>.<server>` and the fanout queue; returns the names. */
  declareServerQueues(
    channel: Channel,
    target: ListenTarget,
    fanoutQueue: string,
  ): Promise<string[]>
}

/** The layout for a set of options (spec §1.2, §2.1). */
export function queueLayout(options: LayoutOptions): QueueLayout {
  const durable = options.durableQueues || options.quorumQueues
  const controlExchange: Route['declare'] = {
    type: 'topic',
    options: { durable, autoDelete: options.autoDelete },
  }
  const fanoutExchange: Route['declare'] = {
    type: 'fanout',
    options: { durable: false, autoDelete: true },
  }
  const ha = options.haQueues ? { 'x-ha-policy': 'all' } : {}
  const topicQueue: Options.AssertQueue = {
    durable,
    autoDelete: options.autoDelete,
    exclusive: false,
    arguments: { ...ha, ...(options.quorumQueues ? { 'x-queue-type': 'quorum' } : {}) },
  }
  const transientQueue = (): Options.AssertQueue => ({
    durable: false,
    autoDelete: false,
    exclusive: false,
    arguments: { ...ha, 'x-expires': options.transientQueuesTtlSeconds * 1000 },
  })
  return {
    route(destination) {
      switch (destination.kind) {
        case 'topic': {
          const key = destination.server
            ? `${destination.topic}.${destination.server}`
            : destination.topic
          return { exchange: options.controlExchange, routingKey: key, declare: controlExchange }
        }
        case 'fanout':
          return {
            exchange: `${destination.topic}_fanout`,
            routingKey: '',
            declare: fanoutExchange,
          }
        case 'reply':
          return { exchange: '', routingKey: destination.queue }
      }
    },
    transientQueue,
    async declareServerQueues(channel, target, fanoutQueue) {
      await channel.assertExchange(options.controlExchange, 'topic', controlExchange.options)
      const names = [target.topic, `${target.topic}.${target.server}`]
      for (const name of names) {
        await channel.assertQueue(name, topicQueue)
        await channel.bindQueue(name, options.controlExchange, name)
      }
      const fanout = `${target.topic}_fanout`
      await channel.assertExchange(fanout, 'fanout', fanoutExchange.options)
      await channel.assertQueue(fanoutQueue, transientQueue())
      await channel.bindQueue(fanoutQueue, fanout, target.topic)
      return [...names, fanoutQueue]
    },
  }
}
