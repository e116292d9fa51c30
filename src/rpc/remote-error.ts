import { NeutronError } from '../common/errors.js'
import { DISPATCHER_MODULE, NoSuchMethod, RemoteError, UnsupportedVersion } from './rpc-errors.js'

/**
 * Failures on the wire (spec oslo-messaging-wire §4.2): a JSON string with the exception's class,
 * module, message, traceback, args and kwargs. A `NeutronError` travels as the neutron-lib
 * exception of the same name, so Python agents recognise it.
 */

const NEUTRON_EXCEPTIONS_MODULE = 'neutron_lib.exceptions'

function classAndModule(error: Error): [string, string] {
  if (error instanceof RemoteError) return [error.excType, error.module]
  if (error instanceof NeutronError) return [error.type, NEUTRON_EXCEPTIONS_MODULE]
  return [error.name || 'Error', 'leasehold']
}

/** Serializes an error raised by an endpoint into the failure string of a reply. */
export function serializeFailure(error: unknown): string {
  const err = error instanceof Error ? error : new Error(String(error))
  const [className, module] = classAndModule(err)
  const message = err instanceof RemoteError ? err.value : err.message
  const tb = (err.stack ?? `${className}: ${message}`).split('\n').map((line) => `${line}\n`)
  return JSON.stringify({
    class: className,
    module,
    message,
    tb,
    args: [message],
    kwargs: err instanceof RemoteError ? err.kwargs : {},
  })
}

function text(value: unknown, fallback: string): string {
  if (typeof value === 'string') return value
  return value === undefined || value === null ? fallback : JSON.stringify(value)
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map((line) => text(line, '')) : []
}

/** Rebuilds the error a failure string describes; dispatcher errors get their own classes. */
export function deserializeFailure(failure: string): RemoteError {
  let data: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(failure)
    if (typeof parsed === 'object' && parsed !== null) data = parsed as Record<string, unknown>
  } catch {
    data = { class: 'RemoteError', message: failure }
  }
  const excType = text(data['class'], 'RemoteError').replace(/_Remote$/, '')
  const module = text(data['module'], '').replace(/_Remote$/, '')
  const kwargs = (
    typeof data['kwargs'] === 'object' && data['kwargs'] !== null ? data['kwargs'] : {}
  ) as Record<string, unknown>
  const fields = {
    value: text(data['message'], ''),
    traceback: stringList(data['tb']),
    args: Array.isArray(data['args']) ? (data['args'] as unknown[]) : [],
    kwargs,
  }
  if (module === DISPATCHER_MODULE && excType === 'UnsupportedVersion')
    return new UnsupportedVersion(fields)
  if (module === DISPATCHER_MODULE && excType === 'NoSuchMethod') return new NoSuchMethod(fields)
  return new RemoteError({ ...fields, excType, module })
}
