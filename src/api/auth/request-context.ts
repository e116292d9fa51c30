import type { RequestContext } from '../../common/context.js'
import type { Policy } from '../../common/policy/index.js'
import type { Identity } from './identity.js'

/**
 * The context a request acts with: its identity, judged by `policy`. It is admin when the policy's
 * `context_is_admin` rule says so (role admin by default), or when the identity is elevated.
 */
export function requestContext(
  identity: Identity,
  policy: Policy,
  requestId: string,
): RequestContext {
  const roles =
    identity.elevated && !identity.roles.includes('admin')
      ? ['admin', ...identity.roles]
      : identity.roles
  const credentials = {
    project_id: identity.projectId,
    tenant_id: identity.projectId,
    user_id: identity.userId,
    roles,
  }
  const isAdmin = identity.elevated || policy.check('context_is_admin', credentials, credentials)
  return {
    projectId: identity.projectId,
    userId: identity.userId,
    roles,
    isAdmin,
    requestId,
    policy,
  }
}
