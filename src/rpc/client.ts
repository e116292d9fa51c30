import type { Logger } from 'pino'
import { buildRequest, decodeEnvelope, encodeEnvelope, parseReply, uuidHex } from './envelope.js'
import { deserializeFailure } from './remote-error.js'
import { InvalidTarget, MessagingTimeout } from './rpc-errors.js'
import type { Delivery, Destination, Transport } from './transport/transport.js'
import type { CallOptions, RpcArgs, RpcCaller, RpcContext, RpcTarget } from './types.js'

interface Waiter {
  /** Called with each reply for the call's `_msg_id`. */
  onReply(reply: { result: unknown; failure: string | null; ending: boolean }): void
}

/**
 * Matches replies on a transport's one reply queue to the calls waiting for them (spec
 * oslo-messaging-wire §4.3). Replies are acknowledged on receipt; a reply nobody waits for (a late
 * one, after its call timed out) is logged and dropped.
 */
export class ReplyRouter {
  private readonly waiters = new Map<string, Waiter>()
  private queue: Promise<string> | undefined

  constructor(
    private readonly transport: Transport,
    private readonly log: Logger,
  ) {}

  /** The reply queue's name, declared on first use. */
  replyQueue(): Promise<string> {
    this.queue ??= this.transport.replyQueue((delivery) => this.receive(delivery))
    this.queue.catch(() => {
      this.queue = undefined
    })
    return this.queue
  }

  register(msgId: string, waiter: Waiter): () => void {
    this.waiters.set(msgId, waiter)
    return () => this.waiters.delete(msgId)
  }

  private receive(delivery: Delivery): void {
    delivery.ack()
    try {
      const reply = parseReply(decodeEnvelope(delivery.body))
      const waiter = this.waiters.get(reply.msgId)
      if (!waiter) {
        this.log.info({ msg_id: reply.msgId }, 'no call is waiting for this reply; dropped')
        return
      }
      waiter.onReply(reply)
    } catch (error) {
      this.log.warn({ err: error }, 'dropped a malformed RPC reply')
    }
  }
}

/** Client settings shared by every caller prepared from it. */
export interface RpcClientOptions extends CallOptions {
  /** Default call timeout (`rpc_response_timeout`, seconds). */
  readonly timeoutSeconds: number
}

/** An RPC client bound to a target, as oslo's `RPCClient`; `prepare` derives variants. */
export class RpcClient implements RpcCaller {
  constructor(
    private readonly transport: Transport,
    private readonly replies: ReplyRouter,
    readonly target: RpcTarget,
    private readonly options: RpcClientOptions,
  ) {}

  prepare(overrides: Partial<RpcTarget> & CallOptions): RpcCaller {
    const { timeoutSeconds, callMonitorTimeoutSeconds, ...target } = overrides
    return new RpcClient(
      this.transport,
      this.replies,
      { ...this.target, ...target },
      {
        timeoutSeconds: timeoutSeconds ?? this.options.timeoutSeconds,
        callMonitorTimeoutSeconds:
          callMonitorTimeoutSeconds ?? this.options.callMonitorTimeoutSeconds,
      },
    )
  }

  async cast(context: RpcContext, method: string, args: RpcArgs = {}): Promise<void> {
    const inner = this.request(context, method, args, null, null)
    await this.transport.publish(this.destination(), encodeEnvelope(inner))
  }

  async call<T = unknown>(context: RpcContext, method: string, args: RpcArgs = {}): Promise<T> {
    if (this.target.fanout) throw new InvalidTarget('a call cannot be sent to a fanout target')
    const timeoutMs = this.options.timeoutSeconds * 1000
    const msgId = uuidHex()
    const replyQueue = await this.replies.replyQueue()
    const inner = this.request(context, method, args, msgId, replyQueue)
    return new Promise<T>((resolve, reject) => {
      let outcome: { ok: true; value: unknown } | { ok: false; error: Error } | undefined
      let monitor: NodeJS.Timeout | undefined
      const finish = (settle: () => void): void => {
        unregister()
        clearTimeout(overall)
        clearTimeout(monitor)
        settle()
      }
      const timedOut = (detail?: string): void =>
        finish(() => reject(new MessagingTimeout(msgId, detail)))
      const overall = setTimeout(() => timedOut(), timeoutMs)
      const monitorMs = (this.options.callMonitorTimeoutSeconds ?? 0) * 1000
      const restartMonitor = (): void => {
        if (monitorMs <= 0) return
        clearTimeout(monitor)
        monitor = setTimeout(
          () => timedOut('Timed out waiting for a heartbeat or reply to message ID'),
          monitorMs,
        )
      }
      const unregister = this.replies.register(msgId, {
        onReply: (reply) => {
          if (reply.failure !== null)
            outcome = { ok: false, error: deserializeFailure(reply.failure) }
          else if (reply.result !== null) outcome = { ok: true, value: reply.result }
          if (!reply.ending) return restartMonitor()
          finish(() => {
            if (outcome && !outcome.ok) reject(outcome.error)
            else resolve((outcome?.value ?? null) as T)
          })
        },
      })
      restartMonitor()
      this.transport
        .publish(this.destination(), encodeEnvelope(inner), { expirationMs: timeoutMs })
        .catch((error: unknown) =>
          finish(() => reject(error instanceof Error ? error : new Error('publish failed'))),
        )
    })
  }

  private destination(): Destination {
    const { topic, server, fanout } = this.target
    if (fanout) return { kind: 'fanout', topic }
    return server === undefined ? { kind: 'topic', topic } : { kind: 'topic', topic, server }
  }

  private request(
    context: RpcContext,
    method: string,
    args: RpcArgs,
    msgId: string | null,
    replyQueue: string | null,
  ): Record<string, unknown> {
    return buildRequest({
      method,
      args: { ...args },
      namespace: this.target.namespace ?? null,
      version: this.target.version ?? null,
      msgId,
      replyQueue,
      callMonitorTimeout: msgId === null ? null : (this.options.callMonitorTimeoutSeconds ?? null),
      uniqueId: null,
      context: { ...context },
    })
  }
}
