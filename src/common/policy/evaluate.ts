import type { Check } from './check-parser.js'

/** What a rule is checked against: the resource's attributes (`network:tenant_id` for its network's). */
export type PolicyTarget = Readonly<Record<string, unknown>>

/** Who asks, as oslo.context's `to_policy_values` names it (`project_id`, `user_id`, `roles`, ...). */
export interface Credentials {
  readonly roles: readonly string[]
  readonly [key: string]: unknown
}

/** A compiled check. */
export type Evaluate = (target: PolicyTarget, credentials: Credentials) => boolean

/** How compiled checks reach the rules they name (`rule:NAME`), looked up when evaluated. */
export type RuleResolver = (name: string, target: PolicyTarget, credentials: Credentials) => boolean

/** Python's `str()` of a value, which is what oslo.policy compares. */
function pythonString(value: unknown): string {
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  return JSON.stringify(value)
}

type Substitute = (target: PolicyTarget) => string | undefined

/** Compiles `%(key)s` substitution from the target; undefined when a key is missing (oslo: False). */
function compileSubstitution(match: string): Substitute {
  const parts: (string | { key: string })[] = []
  let last = 0
  for (const found of match.matchAll(/%\(([^)]*)\)s|%%/g)) {
    parts.push(match.slice(last, found.index))
    parts.push(found[1] === undefined ? '%' : { key: found[1] })
    last = found.index + found[0].length
  }
  parts.push(match.slice(last))
  if (parts.every((p) => typeof p === 'string')) {
    const text = parts.join('')
    return () => text
  }
  return (target) => {
    let out = ''
    for (const part of parts) {
      if (typeof part === 'string') out += part
      else if (!(part.key in target)) return undefined
      else out += pythonString(target[part.key])
    }
    return out
  }
}

/** A quoted string, True, False, None or a number as the KIND of a generic check. */
function literalKind(kind: string): string | undefined {
  if (/^(['"]).*\1$/.test(kind) && kind.length >= 2) return kind.slice(1, -1)
  if (kind === 'True' || kind === 'False' || kind === 'None') return kind
  if (/^-?\d+(\.\d+)?$/.test(kind)) return String(Number(kind))
  return undefined
}

function compileGeneric(credential: string, match: string): Evaluate {
  const substitute = compileSubstitution(match)
  const literal = literalKind(credential)
  if (literal !== undefined) return (target) => substitute(target) === literal
  const path = credential.split('.')
  return (target, credentials) => {
    const expected = substitute(target)
    if (expected === undefined) return false
    let value: unknown = credentials
    for (const segment of path) {
      if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) {
        return false
      }
      value = (value as Record<string, unknown>)[segment]
    }
    if (value === null || value === undefined) return false
    if (Array.isArray(value)) return value.some((v) => pythonString(v) === expected)
    return pythonString(value) === expected
  }
}

function compileRole(match: string): Evaluate {
  const substitute = compileSubstitution(match)
  return (target, credentials) => {
    const role = substitute(target)?.toLowerCase()
    return role !== undefined && credentials.roles.some((r) => r.toLowerCase() === role)
  }
}

const TRUE_WORDS = ['true', '1', 't', 'yes', 'y', 'on']

/**
 * Neutron's FieldCheck: the target's attribute equals the value (converted to the attribute's
 * type) or, with `=~`, matches the regex from its start. `networks:ATTR` on a subnet or port
 * reads its network's attribute, which the caller puts in the target as `network:ATTR`.
 */
function compileField(check: Extract<Check, { kind: 'field' }>): Evaluate {
  const regex = check.regex ? new RegExp(check.value, 'y') : undefined
  const fallback = check.resource === 'networks' ? `network:${check.field}` : undefined
  return (target) => {
    let actual = target[check.field]
    if ((actual === undefined || actual === null) && fallback) actual = target[fallback]
    if (actual === undefined || actual === null) return false
    if (regex) {
      regex.lastIndex = 0
      return typeof actual === 'string' && regex.test(actual)
    }
    if (typeof actual === 'boolean')
      return TRUE_WORDS.includes(check.value.toLowerCase()) === actual
    if (typeof actual === 'number') return Number(check.value) === actual
    return pythonString(actual) === check.value
  }
}

/** Compiles a parsed check into a function of target and credentials. */
export function compileCheck(check: Check, rules: RuleResolver): Evaluate {
  switch (check.kind) {
    case 'true':
      return () => true
    case 'false':
      return () => false
    case 'and': {
      const all = check.checks.map((c) => compileCheck(c, rules))
      return (t, c) => all.every((e) => e(t, c))
    }
    case 'or': {
      const any = check.checks.map((c) => compileCheck(c, rules))
      return (t, c) => any.some((e) => e(t, c))
    }
    case 'not': {
      const inner = compileCheck(check.check, rules)
      return (t, c) => !inner(t, c)
    }
    case 'rule':
      return (t, c) => rules(check.name, t, c)
    case 'role':
      return compileRole(check.match)
    case 'field':
      return compileField(check)
    case 'generic':
      return compileGeneric(check.credential, check.match)
  }
}

/** Whether a check's answer can depend on the target; `ruleUsesTarget` answers for `rule:NAME`. */
export function usesTarget(check: Check, ruleUsesTarget: (name: string) => boolean): boolean {
  switch (check.kind) {
    case 'true':
    case 'false':
      return false
    case 'and':
    case 'or':
      return check.checks.some((c) => usesTarget(c, ruleUsesTarget))
    case 'not':
      return usesTarget(check.check, ruleUsesTarget)
    case 'rule':
      return ruleUsesTarget(check.name)
    case 'role':
    case 'generic':
      return /%\([^)]*\)s/.test(check.match)
    case 'field':
      return true
  }
}
