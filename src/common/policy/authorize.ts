import type { RequestContext } from '../context.js'
import { PolicyNotAuthorized } from '../errors.js'
import type { Credentials, PolicyTarget } from './evaluate.js'
import { DEFAULT_POLICY, type Policy } from './policy.js'

/** The policy a request is judged by: its own, or the built-in defaults for internal calls. */
export function policyOf(context: RequestContext): Policy {
  return context.policy ?? DEFAULT_POLICY
}

/** The credentials rules see, as oslo.context's `to_policy_values` names them. */
export function credentialsOf(context: RequestContext): Credentials {
  return {
    project_id: context.projectId,
    tenant_id: context.projectId,
    user_id: context.userId ?? null,
    roles: context.roles,
    is_admin: context.isAdmin,
  }
}

/** Whether `attributes` sets `attribute`: a key, or `key:sub` for a sub-key of a list of dicts. */
function isSet(attribute: string, attributes: Readonly<Record<string, unknown>>): boolean {
  if (attributes[attribute] !== undefined) return true
  for (let colon = attribute.indexOf(':'); colon > 0; colon = attribute.indexOf(':', colon + 1)) {
    const value = attributes[attribute.slice(0, colon)]
    if (!Array.isArray(value)) continue
    const sub = attribute.slice(colon + 1)
    return value.some(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        (item as Record<string, unknown>)[sub] !== undefined,
    )
  }
  return false
}

/** Whether the caller may do `action` (e.g. `get_network`) on `target`. */
export function isAuthorized(
  context: RequestContext,
  action: string,
  target: PolicyTarget = {},
): boolean {
  return policyOf(context).check(action, target, credentialsOf(context))
}

/**
 * Throws PolicyNotAuthorized (403) unless the caller may do `action` (`create_port`, `get_agent`,
 * ...) on `target`. With `attributes` (those a request sets), each one that has a rule
 * `<action>:<attribute>` must pass it too, as must `<action>:<attribute>:<key>` for each key used
 * in a list of dicts (`create_port:fixed_ips:ip_address`), as Neutron's API layer checks them.
 */
export function authorize(
  context: RequestContext,
  action: string,
  target: PolicyTarget = {},
  attributes?: Readonly<Record<string, unknown>>,
): void {
  const policy = policyOf(context)
  const credentials = credentialsOf(context)
  if (!policy.check(action, target, credentials)) throw new PolicyNotAuthorized(action)
  if (attributes === undefined) return
  for (const { attribute, rule } of policy.attributeRules(action)) {
    if (isSet(attribute, attributes) && !policy.check(rule, target, credentials)) {
      throw new PolicyNotAuthorized(rule)
    }
  }
}

/** Keeps the items the caller may `action` (e.g. `get_port`); `targetOf` builds each target. */
export function filterAuthorized<T>(
  context: RequestContext,
  action: string,
  items: readonly T[],
  targetOf: (item: T) => PolicyTarget,
): T[] {
  const policy = policyOf(context)
  const credentials = credentialsOf(context)
  if (!policy.usesTarget(action)) return policy.check(action, {}, credentials) ? [...items] : []
  return items.filter((item) => policy.check(action, targetOf(item), credentials))
}

/**
 * A function that removes from an API view the attributes whose `get_<resource>:<attribute>` rule
 * the caller fails (non-admins do not see `binding:host_id`), or undefined when none can be
 * removed. As in Neutron, `project_id` goes with `tenant_id` and has no rule of its own.
 */
export function attributeFilter(
  context: RequestContext,
  resource: string,
): (<T extends object>(item: T) => T) | undefined {
  const policy = policyOf(context)
  const credentials = credentialsOf(context)
  const hidden = new Set<string>()
  const perItem: { attribute: string; rule: string }[] = []
  for (const { attribute, rule } of policy.attributeRules(`get_${resource}`)) {
    if (attribute === 'project_id') continue
    if (policy.usesTarget(rule)) perItem.push({ attribute, rule })
    else if (!policy.check(rule, {}, credentials)) hidden.add(attribute)
  }
  if (hidden.size === 0 && perItem.length === 0) return undefined
  return <T extends object>(item: T): T => {
    const view = item as Record<string, unknown>
    const drop = new Set(hidden)
    for (const { attribute, rule } of perItem) {
      if (attribute in view && !policy.check(rule, view, credentials)) drop.add(attribute)
    }
    if (drop.has('tenant_id')) drop.add('project_id')
    if (![...drop].some((attribute) => attribute in view)) return item
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(view)) if (!drop.has(key)) out[key] = value
    return out as T
  }
}
