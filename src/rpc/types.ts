/**
 * The RPC layer's vocabulary, shared by clients, servers and the endpoints that serve them.
 * Semantics follow oslo.messaging (spec oslo-messaging-wire.md): calls wait for one reply,
 * casts and fanout casts do not, versions are "major.minor" strings checked by the server.
 */

/** A request context as it travels in `_context_*` keys (Neutron's `Context.to_dict()`). */
export type RpcContext = Readonly<Record<string, unknown>>

/** Keyword arguments of an RPC method: always a JSON object. */
export type RpcArgs = Readonly<Record<string, unknown>>

/** Where a client sends: a topic, optionally one server of it, or all of them (fanout). */
export interface RpcTarget {
  readonly topic: string
  /** One server's queue (`<topic>.<server>`); absent means any server of the topic. */
  readonly server?: string
  /** Every server of the topic (`<topic>_fanout` exchange); casts only. */
  readonly fanout?: boolean
  /** The version sent with each message ("1.0"); absent sends none (the server assumes 1.0). */
  readonly version?: string
  /** Endpoint namespace; Neutron's DHCP traffic has none. */
  readonly namespace?: string | null
}

/** Per-client call settings that `prepare` may override. */
export interface CallOptions {
  /** How long a call waits for its reply (seconds); `rpc_response_timeout` by default. */
  readonly timeoutSeconds?: number
  /** Ask the server for heartbeats and fail when none arrives for this long (seconds). */
  readonly callMonitorTimeoutSeconds?: number
}

/** A client bound to a target: `prepare` returns a copy with some fields replaced. */
export interface RpcCaller {
  readonly target: RpcTarget
  /** Sends a request and resolves with the reply's result; rejects with RemoteError or MessagingTimeout. */
  call<T = unknown>(context: RpcContext, method: string, args?: RpcArgs): Promise<T>
  /** Sends a request without waiting for an answer; resolves once the bus has accepted it. */
  cast(context: RpcContext, method: string, args?: RpcArgs): Promise<void>
  /** A caller with some target fields or call options replaced. */
  prepare(overrides: Partial<RpcTarget> & CallOptions): RpcCaller
}

/** One RPC method: gets the caller's context and keyword arguments, returns a JSON value. */
export type RpcHandler = (context: RpcContext, args: RpcArgs) => unknown

/** A set of methods served under one version and namespace (oslo's endpoint with its target). */
export interface RpcEndpoint {
  /** The highest version served ("1.10"); requests with the same major and a minor ≤ it match. */
  readonly version: string
  readonly namespace?: string | null
  readonly methods: Readonly<Record<string, RpcHandler>>
  /**
   * Requests that return the same key are handled one at a time, in arrival order (for example
   * all casts about one network); `undefined` lets a request run beside the others.
   */
  orderingKey?(method: string, args: RpcArgs): string | undefined
}
