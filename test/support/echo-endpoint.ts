import { RemoteError } from '../../src/rpc/rpc-errors.js'
import type { RpcArgs, RpcContext, RpcEndpoint, RpcHandler } from '../../src/rpc/types.js'

/** One request the echo endpoint received, as rpc_server.py's `recent_requests` returns it. */
export interface EchoRecord {
  readonly method: string
  readonly args: RpcArgs
  readonly ctxt: RpcContext
}

/** The echo endpoint and the requests it has seen (oldest first). */
export interface EchoEndpoint {
  readonly endpoint: RpcEndpoint
  readonly records: readonly EchoRecord[]
}

/** How many requests the endpoint remembers. */
const KEEP = 200

/** A failure that serializes as a Python exception (class and module), as rpc_server.py raises. */
function pythonError(
  excType: string,
  module: string,
  message: string,
  kwargs: RpcArgs = {},
): RemoteError {
  return new RemoteError({
    excType,
    module,
    value: message,
    traceback: [],
    args: [message],
    kwargs,
  })
}

/** rpc_server.py's `raise_error(message, kind)`: 'remote' puts the other arguments in kwargs. */
function raiseError(_context: RpcContext, args: RpcArgs): never {
  const { message = 'boom', kind = 'value', ...others } = args
  const text = String(message)
  switch (kind) {
    case 'key':
      throw pythonError('KeyError', 'builtins', text)
    case 'runtime':
      throw pythonError('RuntimeError', 'builtins', text)
    case 'remote':
      throw pythonError('DemoRemoteError', '__main__', text, others)
    default:
      throw pythonError('ValueError', 'builtins', text)
  }
}

function isPublic(name: string | symbol): name is string {
  return typeof name === 'string' && !name.startsWith('_') && !name.startsWith('oslo_')
}

/**
 * The echo contract of the oslo harness (tools/oslo/README.md) as a Leasehold endpoint at version
 * 1.99 without namespace: any public method name answers `{method, args}`, plus `return_value`,
 * `raise_error`, `sleep` and `recent_requests`. Methods are a Proxy, so the dispatcher finds any
 * name not starting with `_` or `oslo_`.
 */
export function createEchoEndpoint(): EchoEndpoint {
  const records: EchoRecord[] = []
  const special: Record<string, RpcHandler> = {
    return_value: (_context, args) => args['value'] ?? null,
    raise_error: raiseError,
    sleep: async (_context, args) => {
      await new Promise((resolve) => setTimeout(resolve, Number(args['seconds'] ?? 1) * 1000))
      return args['value'] ?? null
    },
    recent_requests: (_context, args) => {
      const n = Number(args['n'] ?? 10)
      return n > 0 ? records.slice(-n) : []
    },
  }
  const handler = (method: string): RpcHandler => {
    const run = special[method] ?? ((_context: RpcContext, args: RpcArgs) => ({ method, args }))
    return (context, args) => {
      if (method !== 'recent_requests') {
        records.push({ method, args, ctxt: context })
        if (records.length > KEEP) records.shift()
      }
      return run(context, args)
    }
  }
  const methods = new Proxy<Record<string, RpcHandler>>(
    {},
    {
      get: (_target, name) => (isPublic(name) ? handler(name) : undefined),
      has: (_target, name) => isPublic(name),
      getOwnPropertyDescriptor: (_target, name) =>
        isPublic(name)
          ? { value: handler(name), writable: true, enumerable: true, configurable: true }
          : undefined,
    },
  )
  return { endpoint: { version: '1.99', namespace: null, methods }, records }
}
