import type { Logger } from 'pino'
import { resolveDispatch } from './dispatcher.js'
import {
  buildReply,
  decodeEnvelope,
  encodeEnvelope,
  parseRequest,
  type RequestMessage,
} from './envelope.js'
import { KeyedExecutor } from '../common/keyed-executor.js'
import { serializeFailure } from './remote-error.js'
import { MalformedMessage } from './rpc-errors.js'
import type { Delivery, ListenTarget, Transport, TransportListener } from './transport/transport.js'
import type { RpcEndpoint } from './types.js'

/** Settings of one RPC server. */
export interface RpcServerOptions {
  readonly log: Logger
  /** Most requests handled at once (`executor_thread_pool_size`). */
  readonly maxConcurrency: number
  /** How long `stop` waits for requests in progress (milliseconds). */
  readonly stopTimeoutMs?: number
}

/** How many recent `_unique_id`s a server remembers to drop redelivered duplicates. */
const DUPLICATE_WINDOW = 4096

/**
 * Serves endpoints on a target (topic and server). Unlike oslo.messaging, which acknowledges a
 * request before running it, a request is acknowledged only after it has been handled and its reply
 * sent, so a server that dies mid-request leaves it on the queue for another; `_unique_id`s of
 * recent requests catch the copy that a redelivery then brings. Malformed messages are rejected.
 */
export class RpcServer {
  private readonly executor: KeyedExecutor
  private readonly seen = new Set<string>()
  private readonly seenOrder: string[] = []
  private listener: TransportListener | undefined
  private readonly log: Logger

  constructor(
    private readonly transport: Transport,
    readonly target: ListenTarget,
    private readonly endpoints: readonly RpcEndpoint[],
    private readonly options: RpcServerOptions,
  ) {
    this.executor = new KeyedExecutor(options.maxConcurrency)
    this.log = options.log.child({ component: 'rpc-server', topic: target.topic })
  }

  /** Declares the queues and starts consuming. */
  async start(): Promise<void> {
    if (this.listener) return
    this.listener = await this.transport.listen(this.target, (delivery) => this.receive(delivery))
    this.log.info({ server: this.target.server }, 'RPC server consuming')
  }

  /** Stops consuming and waits for requests in progress, up to the stop timeout. */
  async stop(): Promise<void> {
    const listener = this.listener
    this.listener = undefined
    if (!listener) return
    await listener.cancel()
    const deadline = new Promise<void>((resolve) =>
      setTimeout(resolve, this.options.stopTimeoutMs ?? 10_000).unref(),
    )
    await Promise.race([this.executor.idle(), deadline])
    await listener.close()
  }

  private receive(delivery: Delivery): void {
    let request: RequestMessage
    try {
      if (delivery.contentType !== undefined && delivery.contentType !== 'application/json') {
        throw new MalformedMessage(`content type ${delivery.contentType}`)
      }
      request = parseRequest(decodeEnvelope(delivery.body))
    } catch (error) {
      this.log.warn(
        { err: error, body: delivery.body.slice(0, 512) },
        'rejected a malformed RPC message',
      )
      delivery.reject()
      return
    }
    if (request.uniqueId !== null && this.isDuplicate(request.uniqueId)) {
      this.log.warn(
        { method: request.method, unique_id: request.uniqueId },
        'dropped a duplicate RPC message',
      )
      delivery.ack()
      return
    }
    let key: string | undefined
    try {
      const { endpoint } = resolveDispatch(this.endpoints, request)
      key = endpoint.orderingKey?.(request.method, request.args)
    } catch {
      key = undefined // dispatch fails again inside handle() and is answered there
    }
    void this.executor.submit(key, () => this.handle(request, delivery))
  }

  private isDuplicate(uniqueId: string): boolean {
    if (this.seen.has(uniqueId)) return true
    this.seen.add(uniqueId)
    this.seenOrder.push(uniqueId)
    if (this.seenOrder.length > DUPLICATE_WINDOW) this.seen.delete(this.seenOrder.shift() ?? '')
    return false
  }

  private async handle(request: RequestMessage, delivery: Delivery): Promise<void> {
    const started = process.hrtime.bigint()
    const stopHeartbeat = this.startHeartbeat(request)
    let result: unknown = null
    let failure: string | null = null
    try {
      const { handler } = resolveDispatch(this.endpoints, request)
      result = (await handler(request.context, request.args)) ?? null
    } catch (error) {
      failure = serializeFailure(error)
      const level = request.msgId === null ? 'warn' : 'debug'
      this.log[level]({ err: error, method: request.method }, 'RPC method failed')
    } finally {
      stopHeartbeat()
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    this.log.debug(
      { method: request.method, ms, call: request.msgId !== null },
      'RPC request handled',
    )
    if (request.msgId !== null && request.replyQueue !== null) {
      await this.sendReply(request.replyQueue, request.msgId, result, failure)
    }
    delivery.ack()
  }

  private async sendReply(
    queue: string,
    msgId: string,
    result: unknown,
    failure: string | null,
  ): Promise<void> {
    const body = encodeEnvelope(buildReply({ msgId, result, failure, ending: true }))
    try {
      await this.transport.publish({ kind: 'reply', queue }, body)
    } catch (error) {
      this.log.warn({ err: error, msg_id: msgId }, 'could not send an RPC reply')
    }
  }

  /** spec §4.4: heartbeats every int(_timeout)/2 s, only when the caller asked for them. */
  private startHeartbeat(request: RequestMessage): () => void {
    const { callMonitorTimeout, msgId, replyQueue } = request
    if (callMonitorTimeout === null || msgId === null || replyQueue === null) return () => undefined
    const intervalSeconds = Math.trunc(callMonitorTimeout) / 2
    if (intervalSeconds < 1) return () => undefined
    const timer = setInterval(() => {
      const body = encodeEnvelope(buildReply({ msgId, result: null, failure: null, ending: false }))
      this.transport.publish({ kind: 'reply', queue: replyQueue }, body).catch((error: unknown) => {
        this.log.debug({ err: error, msg_id: msgId }, 'could not send a call-monitor heartbeat')
      })
    }, intervalSeconds * 1000)
    return () => clearInterval(timer)
  }
}
