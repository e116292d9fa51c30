/**
 * The seam between the RPC layer and a message bus. A transport moves encoded bodies between
 * exchanges and queues laid out as oslo.messaging lays them out (spec oslo-messaging-wire §1–§2);
 * what the bodies mean is the RPC layer's business.
 */

/** Where a message goes. */
export type Destination =
  /** The control exchange, routing key `<topic>` or `<topic>.<server>`. */
  | { readonly kind: 'topic'; readonly topic: string; readonly server?: string }
  /** Every server of a topic, through the `<topic>_fanout` exchange. */
  | { readonly kind: 'fanout'; readonly topic: string }
  /** A caller's reply queue, through the default exchange. */
  | { readonly kind: 'reply'; readonly queue: string }

/** Options of one publish. */
export interface PublishOptions {
  /** Drop the message if nobody consumed it within this many milliseconds (calls). */
  readonly expirationMs?: number
}

/** A received message; exactly one of `ack` or `reject` is called once it has been handled. */
export interface Delivery {
  readonly body: string
  /** The AMQP content type; the RPC layer refuses anything but application/json. */
  readonly contentType: string | undefined
  /** Set when the broker delivers the message again (after a consumer went away). */
  readonly redelivered: boolean
  ack(): void
  /** Drops the message (no requeue). */
  reject(): void
}

/** Receives the deliveries of one consumer. */
export type DeliveryHandler = (delivery: Delivery) => void

/** The queues one RPC server consumes: `<topic>`, `<topic>.<server>` and its fanout queue. */
export interface ListenTarget {
  readonly topic: string
  readonly server: string
}

/** A running consumer of a server's queues. */
export interface TransportListener {
  /** Stops new deliveries; those already handed over can still be acknowledged. */
  cancel(): Promise<void>
  /** Gives unacknowledged messages back to the bus and drops the private fanout queue. */
  close(): Promise<void>
}

/** Connection state changes a transport reports, for logs and for resyncs after an outage. */
export type TransportEvent = 'connected' | 'disconnected' | 'reconnected'

/** A message bus: `memory://` in one process, or RabbitMQ. */
export interface Transport {
  /** Publishes a body; resolves once the bus has taken it, rejects with TransportUnavailable. */
  publish(destination: Destination, body: string, options?: PublishOptions): Promise<void>
  /** Starts consuming a server's queues. */
  listen(target: ListenTarget, onDelivery: DeliveryHandler): Promise<TransportListener>
  /** Declares this transport's reply queue (once) and consumes it; returns its name. */
  replyQueue(onDelivery: DeliveryHandler): Promise<string>
  /** Subscribes to connection state changes; returns an unsubscribe function. */
  onEvent(listener: (event: TransportEvent) => void): () => void
  /** Stops every consumer and closes the connection. */
  close(): Promise<void>
}
