import { NoSuchMethod, UnsupportedVersion } from './rpc-errors.js'
import type { RpcEndpoint, RpcHandler } from './types.js'
import { isVersionCompatible } from './version.js'

/** The endpoint and method a request resolves to. */
export interface Dispatch {
  readonly endpoint: RpcEndpoint
  readonly handler: RpcHandler
}

/**
 * Picks the endpoint for a request as oslo's dispatcher does (spec oslo-messaging-wire §5.1): the
 * first endpoint whose namespace matches exactly and whose version is compatible and that has the
 * method. A compatible endpoint without the method means NoSuchMethod, none means
 * UnsupportedVersion. Methods starting with `_` are never served.
 */
export function resolveDispatch(
  endpoints: readonly RpcEndpoint[],
  request: { method: string; namespace: string | null; version: string | null },
): Dispatch {
  const requested = request.version ?? '1.0'
  let foundCompatible = false
  for (const endpoint of endpoints) {
    if ((endpoint.namespace ?? null) !== request.namespace) continue
    if (!isVersionCompatible(endpoint.version || '1.0', requested)) continue
    const handler = Object.hasOwn(endpoint.methods, request.method)
      ? endpoint.methods[request.method]
      : undefined
    if (handler && !request.method.startsWith('_')) return { endpoint, handler }
    foundCompatible = true
  }
  if (foundCompatible) throw NoSuchMethod.forMethod(request.method)
  throw UnsupportedVersion.forRequest(requested, request.method)
}
