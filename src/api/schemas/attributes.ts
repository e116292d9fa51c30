import type { RequestContext } from '../../common/context.js'
import { HttpBadRequest, InvalidAttribute, InvalidInput } from '../../common/errors.js'
import { ConversionFailure, ValidationFailure, type Check } from './validators.js'

/** How one attribute behaves in requests (Neutron's RESOURCE_ATTRIBUTE_MAP entry). */
export interface AttributeSpec {
  readonly allowPost: boolean
  readonly allowPut: boolean
  readonly required?: boolean
  /** Default for POST when absent; undefined leaves it absent (the plugin decides). */
  readonly default?: (context: RequestContext) => unknown
  readonly check?: Check
}

/** A resource's attributes by name. */
export type AttributeMap = Readonly<Record<string, AttributeSpec>>

function runCheck(name: string, spec: AttributeSpec, value: unknown): unknown {
  if (!spec.check) return value
  try {
    return spec.check(value)
  } catch (error) {
    if (error instanceof ConversionFailure) throw new InvalidInput(error.message)
    if (error instanceof ValidationFailure) throw new InvalidAttribute(name, error.message)
    throw error
  }
}

function checkKeys(
  body: Record<string, unknown>,
  map: AttributeMap,
  action: 'create' | 'update',
): void {
  const unknown = Object.keys(body).filter((k) => map[k] === undefined)
  if (unknown.length > 0)
    throw new HttpBadRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`)
  for (const key of Object.keys(body)) {
    const spec = map[key]
    if (action === 'create' && spec && !spec.allowPost) {
      throw new HttpBadRequest(`Attribute '${key}' not allowed in POST`)
    }
    if (action === 'update' && spec && !spec.allowPut) {
      throw new HttpBadRequest(`Cannot update read-only attribute ${key}`)
    }
  }
}

/** Checks a POST item and fills defaults; returns the converted attributes. */
export function prepareCreate(
  map: AttributeMap,
  body: unknown,
  context: RequestContext,
): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpBadRequest('Resource body required')
  }
  const record = body as Record<string, unknown>
  checkKeys(record, map, 'create')
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(map)) {
    if (!spec.allowPost) continue
    if (name in record) {
      out[name] = runCheck(name, spec, record[name])
    } else if (spec.required) {
      throw new HttpBadRequest(
        `Failed to parse request. Required attribute '${name}' not specified`,
      )
    } else if (spec.default) {
      out[name] = spec.default(context)
    }
  }
  return out
}

/** Checks a PUT body; returns the converted attributes it changes. */
export function prepareUpdate(map: AttributeMap, body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpBadRequest('Resource body required')
  }
  const record = body as Record<string, unknown>
  checkKeys(record, map, 'update')
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(record)) {
    const spec = map[name]
    if (spec) out[name] = runCheck(name, spec, value)
  }
  return out
}

/** Resolves project_id/tenant_id: non-admins may only name their own project. */
export function resolveProject(item: Record<string, unknown>, context: RequestContext): void {
  const project = item.project_id ?? item.tenant_id
  if (
    item.project_id !== undefined &&
    item.tenant_id !== undefined &&
    item.project_id !== item.tenant_id
  ) {
    throw new HttpBadRequest("'project_id' and 'tenant_id' do not match")
  }
  if (project !== undefined && !context.isAdmin && project !== context.projectId) {
    throw new HttpBadRequest(
      "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges",
    )
  }
  item.project_id = project ?? context.projectId ?? ''
  delete item.tenant_id
}
