import amqp, { type ChannelModel } from 'amqplib'
import type { Logger } from 'pino'
import { TransportUnavailable } from '../rpc-errors.js'
import type { BrokerAddress } from './transport-url.js'
import type { TransportEvent } from './transport.js'

/** How to reach the broker and how to retry (oslo's rabbit_retry_* options, in seconds). */
export interface ConnectionSettings {
  readonly brokers: readonly BrokerAddress[]
  readonly vhost: string
  readonly heartbeatSeconds: number
  readonly retryIntervalSeconds: number
  readonly retryBackoffSeconds: number
  readonly intervalMaxSeconds: number
  readonly log: Logger
}

/** How long closing a connection may take (ms); a silent network would otherwise hang it. */
const CLOSE_TIMEOUT_MS = 5000

/** Waits for `work` at most `ms`; its failure or lateness is ignored (closing is best effort). */
async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    work.catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms)
    }),
  ])
  clearTimeout(timer)
}

/** Runs after every (re)connection, before waiters are let through; a throw closes the connection. */
export type SetupHook = (connection: ChannelModel) => Promise<void>

/**
 * Keeps one AMQP connection open: connects in the background, and when the connection drops,
 * reconnects with a growing delay (interval + backoff × attempt, at most interval_max), cycling
 * through the brokers of the URL. Work that needs the connection waits for it up to a deadline.
 */
export class ConnectionKeeper {
  private connection: ChannelModel | undefined
  private waiters: { resolve: (c: ChannelModel) => void; reject: (e: Error) => void }[] = []
  private readonly eventListeners = new Set<(event: TransportEvent) => void>()
  private closing = false
  private everConnected = false
  private running: Promise<void> | undefined
  private sleepTimer: NodeJS.Timeout | undefined
  private wake: (() => void) | undefined

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly setup: SetupHook,
  ) {}

  /** Starts connecting in the background (idempotent). */
  start(): void {
    if (this.running || this.closing) return
    this.running = this.connectLoop().finally(() => {
      this.running = undefined
    })
  }

  /** The open connection, waiting for it until `deadline` (epoch ms). */
  async open(deadline: number): Promise<ChannelModel> {
    if (this.closing) throw new TransportUnavailable('the transport is closed')
    if (this.connection) return this.connection
    this.start()
    return new Promise<ChannelModel>((resolve, reject) => {
      const waiter = {
        resolve: (c: ChannelModel) => {
          clearTimeout(timer)
          resolve(c)
        },
        reject: (e: Error) => {
          clearTimeout(timer)
          reject(e)
        },
      }
      const timer = setTimeout(
        () => {
          this.waiters = this.waiters.filter((w) => w !== waiter)
          reject(new TransportUnavailable('the message broker is unreachable'))
        },
        Math.max(0, deadline - Date.now()),
      )
      this.waiters.push(waiter)
    })
  }

  /** The connection if it is up right now. */
  current(): ChannelModel | undefined {
    return this.connection
  }

  onEvent(listener: (event: TransportEvent) => void): () => void {
    this.eventListeners.add(listener)
    return () => this.eventListeners.delete(listener)
  }

  /** Closes the connection and stops reconnecting; waiters fail. */
  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    clearTimeout(this.sleepTimer)
    this.wake?.()
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new TransportUnavailable('the transport is closed'))
    }
    const connection = this.connection
    this.connection = undefined
    if (connection) await withTimeout(connection.close(), CLOSE_TIMEOUT_MS)
    await this.running
  }

  private emit(event: TransportEvent): void {
    for (const listener of this.eventListeners) listener(event)
  }

  private delaySeconds(attempt: number): number {
    const { retryIntervalSeconds, retryBackoffSeconds, intervalMaxSeconds } = this.settings
    return Math.min(retryIntervalSeconds + retryBackoffSeconds * attempt, intervalMaxSeconds)
  }

  private async connectLoop(): Promise<void> {
    for (let attempt = 0; !this.closing; attempt++) {
      const broker = this.settings.brokers[attempt % this.settings.brokers.length]
      if (!broker) return
      try {
        await this.connectTo(broker)
        return
      } catch (error) {
        const delay = this.delaySeconds(attempt)
        this.settings.log.warn(
          { err: error, host: broker.hostname, port: broker.port, retry_in_s: delay },
          'cannot reach the message broker; retrying',
        )
        await this.sleep(delay * 1000)
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve
      this.sleepTimer = setTimeout(resolve, ms)
    })
  }

  private async connectTo(broker: BrokerAddress): Promise<void> {
    const connection = await amqp.connect(
      {
        protocol: 'amqp',
        hostname: broker.hostname,
        port: broker.port,
        username: broker.username,
        password: broker.password,
        vhost: this.settings.vhost,
        heartbeat: this.settings.heartbeatSeconds,
      },
      { noDelay: true },
    ) // without it, Nagle's algorithm adds ~40 ms to every small reply
    connection.on('error', (error: Error) => {
      this.settings.log.warn({ err: error }, 'message broker connection error')
    })
    // Watch for the close before setup: a connection lost while consumers are being declared
    // must fail this attempt, not stay in place as a dead current connection.
    let closedDuringSetup = false
    connection.once('close', () => {
      closedDuringSetup = true
      this.lost(connection)
    })
    try {
      if (this.closing) throw new TransportUnavailable('the transport is closed')
      await this.setup(connection)
      if (closedDuringSetup) throw new TransportUnavailable('the connection closed during setup')
    } catch (error) {
      await withTimeout(connection.close(), CLOSE_TIMEOUT_MS)
      throw error
    }
    const reconnected = this.everConnected
    this.everConnected = true
    this.connection = connection
    this.settings.log.info(
      { host: broker.hostname, port: broker.port, vhost: this.settings.vhost },
      reconnected ? 'reconnected to the message broker' : 'connected to the message broker',
    )
    for (const waiter of this.waiters.splice(0)) waiter.resolve(connection)
    this.emit(reconnected ? 'reconnected' : 'connected')
  }

  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return
    this.connection = undefined
    if (this.closing) return
    this.settings.log.warn('lost the message broker connection; reconnecting')
    this.emit('disconnected')
    this.start()
  }
}
