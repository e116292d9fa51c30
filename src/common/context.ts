import type { Policy } from './policy/policy.js'

/** Who is calling: the project and roles an API request acts with. */
export interface RequestContext {
  /** The caller's project, or null for an admin acting with no project. */
  readonly projectId: string | null
  /** The caller's user, when authentication named one. */
  readonly userId?: string | null
  readonly roles: readonly string[]
  readonly isAdmin: boolean
  /** The id that ties log lines of one request together. */
  readonly requestId: string
  /** The rules the request is judged by; without one (internal calls), the built-in defaults. */
  readonly policy?: Policy
}

/** A context with admin rights, for internal calls. */
export function adminContext(requestId = 'internal'): RequestContext {
  return { projectId: null, roles: ['admin'], isAdmin: true, requestId }
}

/** Whether the caller owns a resource of `projectId`, or is admin. */
export function isAdminOrOwner(context: RequestContext, projectId: string | null): boolean {
  return context.isAdmin || (context.projectId !== null && context.projectId === projectId)
}
