import type { FastifyRequest } from 'fastify'

/** Who a request comes from, as authentication found out. */
export interface Identity {
  readonly projectId: string | null
  readonly userId: string | null
  readonly roles: readonly string[]
  /**
   * Acts as admin whatever the roles say, like Neutron's elevated context: a noauth request
   * without a project, an http_basic user.
   */
  readonly elevated: boolean
}

/** An `auth_strategy`: finds the caller of each request. */
export interface Authenticator {
  /** The caller; throws AuthenticationRequired (401) or a ServiceUnavailable error (503). */
  authenticate(request: FastifyRequest): Promise<Identity>
}

/**
 * The request carries no valid credentials: 401 with `challenge` as its `WWW-Authenticate`
 * header (`Keystone uri="..."`, `Basic realm="..."`).
 */
export class AuthenticationRequired extends Error {
  constructor(
    readonly challenge: string,
    readonly reason: string,
  ) {
    super(`authentication required: ${reason}`)
    this.name = 'AuthenticationRequired'
  }
}

/** The first value of a request header. */
export function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}
