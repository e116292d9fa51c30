/** Who is calling: the project and roles an API request acts with. */
export interface RequestContext {
  /** The caller's project, or null for an admin acting with no project. */
  readonly projectId: string | null
  readonly roles: readonly string[]
  readonly isAdmin: boolean
  /** The id that ties log lines of one request together. */
  readonly requestId: string
}

/** A context with admin rights, for internal calls. */
export function adminContext(requestId = 'internal'): RequestContext {
  return { projectId: null, roles: ['admin'], isAdmin: true, requestId }
}

/** Whether the caller owns a resource of `projectId`, or is admin. */
export function isAdminOrOwner(context: RequestContext, projectId: string | null): boolean {
  return context.isAdmin || (context.projectId !== null && context.projectId === projectId)
}
