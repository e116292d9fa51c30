import type { FastifyRequest } from 'fastify'
import { headerOf, type Authenticator, type Identity } from './identity.js'

/**
 * `auth_strategy = noauth`: the caller's project and roles come from `X-Project-Id` (or
 * `X-Tenant-Id`), `X-Roles` and `X-User-Id`. A request without a project acts as admin.
 */
export function noauthIdentity(request: FastifyRequest): Identity {
  const projectId = headerOf(request, 'x-project-id') ?? headerOf(request, 'x-tenant-id')
  const roles = (headerOf(request, 'x-roles') ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0)
  const userId = headerOf(request, 'x-user-id') ?? null
  if (projectId === undefined || projectId === '') {
    return { projectId: null, userId, roles, elevated: true }
  }
  return { projectId, userId, roles, elevated: false }
}

/** The noauth strategy: trusts the headers (for development on 127.0.0.1 only). */
export const noauthAuthenticator: Authenticator = {
  authenticate: async (request) => noauthIdentity(request),
}
