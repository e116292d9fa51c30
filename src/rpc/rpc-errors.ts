/**
 * Errors of the RPC layer. A failure a server sent back arrives as a `RemoteError` carrying the
 * remote exception's class name (`excType`), so callers branch on it as Neutron's agents do.
 */

/** What a failure reply carries (spec oslo-messaging-wire §4.2). */
export interface FailureFields {
  readonly excType: string
  readonly module: string
  readonly value: string
  readonly traceback: readonly string[]
  readonly args: readonly unknown[]
  readonly kwargs: Readonly<Record<string, unknown>>
}

/** An exception raised by the remote endpoint, rebuilt on the caller's side. */
export class RemoteError extends Error {
  readonly excType: string
  readonly module: string
  readonly value: string
  readonly traceback: readonly string[]
  readonly args: readonly unknown[]
  readonly kwargs: Readonly<Record<string, unknown>>

  constructor(fields: FailureFields) {
    super(`Remote error: ${fields.excType} ${fields.value}`)
    this.name = 'RemoteError'
    this.excType = fields.excType
    this.module = fields.module
    this.value = fields.value
    this.traceback = fields.traceback
    this.args = fields.args
    this.kwargs = fields.kwargs
  }
}

/** The module oslo.messaging's dispatcher errors come from. */
export const DISPATCHER_MODULE = 'oslo_messaging.rpc.dispatcher'

/** No endpoint serves the requested version (or namespace). */
export class UnsupportedVersion extends RemoteError {
  constructor(fields: Omit<FailureFields, 'excType' | 'module'>) {
    super({ ...fields, excType: 'UnsupportedVersion', module: DISPATCHER_MODULE })
    this.name = 'UnsupportedVersion'
  }

  /** The error a dispatcher raises, worded as oslo.messaging words it. */
  static forRequest(version: string, method: string): UnsupportedVersion {
    const value = `Endpoint does not support RPC version ${version}. Attempted method: ${method}`
    return new UnsupportedVersion({ value, traceback: [], args: [value], kwargs: {} })
  }
}

/** An endpoint matched the version but has no such (public) method. */
export class NoSuchMethod extends RemoteError {
  constructor(fields: Omit<FailureFields, 'excType' | 'module'>) {
    super({ ...fields, excType: 'NoSuchMethod', module: DISPATCHER_MODULE })
    this.name = 'NoSuchMethod'
  }

  /** The error a dispatcher raises, worded as oslo.messaging words it. */
  static forMethod(method: string): NoSuchMethod {
    const value = `Endpoint does not support RPC method ${method}`
    return new NoSuchMethod({ value, traceback: [], args: [value], kwargs: {} })
  }
}

/** No reply arrived in time (oslo's `MessagingTimeout`). */
export class MessagingTimeout extends Error {
  constructor(
    readonly msgId: string,
    detail = 'Timed out waiting for a reply to message ID',
  ) {
    super(`${detail} ${msgId}`)
    this.name = 'MessagingTimeout'
  }
}

/**
 * The bus did not confirm a message in time (broker away, network silent). The message was most
 * likely not delivered, but may still arrive: a caller that sends it again may cause a copy.
 */
export class TransportUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'TransportUnavailable'
  }
}

/** A request that cannot be sent as asked (for example a call with fanout). */
export class InvalidTarget extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InvalidTarget'
  }
}

/** A message that cannot be decoded; the server rejects it and goes on. */
export class MalformedMessage extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'MalformedMessage'
  }
}
