import type { Logger } from 'pino'
import { ReplyRouter, RpcClient } from './client.js'
import { RpcServer } from './server.js'
import type { ListenTarget, Transport, TransportEvent } from './transport/transport.js'
import type { CallOptions, RpcCaller, RpcEndpoint, RpcTarget } from './types.js'

/** Settings shared by the clients and servers of one transport. */
export interface MessagingOptions {
  /** `rpc_response_timeout` (seconds). */
  readonly rpcResponseTimeoutSeconds: number
  /** `executor_thread_pool_size`: most requests one server handles at once. */
  readonly executorPoolSize: number
  readonly log: Logger
}

/**
 * The RPC layer over one transport: makes clients (which share the transport's one reply queue)
 * and servers. `close` stops the servers it made and the transport.
 */
export class Messaging {
  private readonly replies: ReplyRouter
  private readonly servers = new Set<RpcServer>()

  constructor(
    readonly transport: Transport,
    private readonly options: MessagingOptions,
  ) {
    this.replies = new ReplyRouter(transport, options.log.child({ component: 'rpc-client' }))
  }

  /** A client for a target, as oslo's `get_rpc_client(transport, target)`. */
  client(target: RpcTarget, options: CallOptions = {}): RpcCaller {
    return new RpcClient(this.transport, this.replies, target, {
      timeoutSeconds: options.timeoutSeconds ?? this.options.rpcResponseTimeoutSeconds,
      ...(options.callMonitorTimeoutSeconds === undefined
        ? {}
        : { callMonitorTimeoutSeconds: options.callMonitorTimeoutSeconds }),
    })
  }

  /** A server for endpoints on (topic, server); call `start()` to consume. */
  server(target: ListenTarget, endpoints: readonly RpcEndpoint[]): RpcServer {
    const server = new RpcServer(this.transport, target, endpoints, {
      log: this.options.log,
      maxConcurrency: this.options.executorPoolSize,
    })
    this.servers.add(server)
    return server
  }

  /** Subscribes to the transport's connection events (a reconnect may mean lost casts). */
  onTransportEvent(listener: (event: TransportEvent) => void): () => void {
    return this.transport.onEvent(listener)
  }

  /** Stops every server made here, then closes the transport. */
  async close(): Promise<void> {
    for (const server of this.servers) await server.stop()
    this.servers.clear()
    await this.transport.close()
  }
}
