import type { FastifyRequest } from 'fastify'
import type { RequestContext } from '../common/context.js'

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * `auth_strategy = noauth`: the caller's project and roles come from `X-Project-Id` (or
 * `X-Tenant-Id`) and `X-Roles`. A request without a project acts as admin.
 */
export function noauthContext(request: FastifyRequest): RequestContext {
  const projectId = header(request, 'x-project-id') ?? header(request, 'x-tenant-id')
  const roles = (header(request, 'x-roles') ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0)
  if (projectId === undefined || projectId === '') {
    return { projectId: null, roles: ['admin', ...roles], isAdmin: true, requestId: request.id }
  }
  return { projectId, roles, isAdmin: roles.includes('admin'), requestId: request.id }
}
