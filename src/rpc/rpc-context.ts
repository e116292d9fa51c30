import { randomUUID } from 'node:crypto'
import type { RpcContext } from './types.js'

/** `str(datetime.utcnow())` as Python prints it: `YYYY-MM-DD HH:MM:SS.ffffff`. */
export function pythonUtcTimestamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}.${String(date.getUTCMilliseconds() * 1000).padStart(6, '0')}`
}

/** What a request context says about the caller, in Neutron's context keys. */
export interface ContextFields {
  readonly userId?: string | null
  readonly projectId?: string | null
  readonly roles?: readonly string[]
  readonly isAdmin: boolean
  readonly requestId?: string
}

/**
 * A context dict with exactly the keys `neutron_lib.context.Context.to_dict()` produces (spec
 * oslo-messaging-wire §3.4), so Python peers rebuild it without a policy check.
 */
export function createRpcContext(fields: ContextFields): RpcContext {
  const projectId = fields.projectId ?? null
  const userId = fields.userId ?? null
  const identity = `${userId ?? '-'} ${projectId ?? '-'} - - -`
  return {
    user: userId,
    project_id: projectId,
    system_scope: null,
    project: projectId,
    domain: null,
    user_domain: null,
    project_domain: null,
    is_admin: fields.isAdmin,
    read_only: false,
    show_deleted: false,
    auth_token: null,
    request_id: fields.requestId ?? `req-${randomUUID()}`,
    global_request_id: null,
    resource_uuid: null,
    roles: [...(fields.roles ?? [])],
    user_identity: identity,
    is_admin_project: true,
    user_id: userId,
    tenant_id: projectId,
    timestamp: pythonUtcTimestamp(),
    tenant_name: null,
    project_name: null,
    user_name: null,
  }
}

/** A fresh admin context, as agents and the server's notifier send (`get_admin_context()`). */
export function adminRpcContext(): RpcContext {
  return createRpcContext({ isAdmin: true })
}

/** Whether a received context claims admin rights. */
export function isAdminRpcContext(context: RpcContext): boolean {
  return context['is_admin'] === true
}
