import { parseCheck, referencedRules, type Check } from './check-parser.js'
import { DEFAULT_RULES, type RuleDefault } from './default-rules.js'
import {
  compileCheck,
  usesTarget,
  type Credentials,
  type Evaluate,
  type PolicyTarget,
} from './evaluate.js'

/** A rule as the policy enforces it, and where it comes from. */
export interface EffectiveRule {
  readonly name: string
  readonly check: string
  /** `default` (built in, with its deprecated fallback unless enforce_new_defaults) or `file`. */
  readonly source: 'default' | 'file'
  readonly description?: string
}

/** What a policy is made of besides the built-in defaults. */
export interface PolicyOptions {
  /** Rules from the policy file, name → check string; they replace defaults of the same name. */
  readonly overrides?: Readonly<Record<string, string>>
  /** `[oslo_policy] enforce_new_defaults`: drop the deprecated (pre-RBAC) fallbacks. */
  readonly enforceNewDefaults?: boolean
  /** The default rules; Neutron's (`DEFAULT_RULES`) unless a test gives others. */
  readonly defaults?: readonly RuleDefault[]
}

/** A rule refers to itself through `rule:` checks, which would never end. */
export class PolicyCycleError extends Error {
  constructor(readonly cycle: readonly string[]) {
    super(`policy rules refer to each other in a loop: ${cycle.join(' -> ')}`)
    this.name = 'PolicyCycleError'
  }
}

/** A rule's check string does not parse. */
export class PolicyRuleError extends Error {
  constructor(
    readonly rule: string,
    options: ErrorOptions & { cause: Error },
  ) {
    super(`policy rule '${rule}': ${options.cause.message}`, options)
    this.name = 'PolicyRuleError'
  }
}

/** The name of the rule oslo.policy falls back to for a rule that does not exist. */
const DEFAULT_RULE = 'default'

function effectiveRules(options: PolicyOptions): EffectiveRule[] {
  const overrides = options.overrides ?? {}
  const rules: EffectiveRule[] = (options.defaults ?? DEFAULT_RULES).map((d) => {
    if (Object.hasOwn(overrides, d.name)) {
      return {
        name: d.name,
        check: overrides[d.name] ?? '',
        source: 'file',
        description: d.description,
      }
    }
    const check =
      d.deprecated === undefined || options.enforceNewDefaults === true
        ? d.check
        : `(${d.check}) or (${d.deprecated})`
    return { name: d.name, check, source: 'default', description: d.description }
  })
  const known = new Set(rules.map((r) => r.name))
  for (const [name, check] of Object.entries(overrides)) {
    if (!known.has(name)) rules.push({ name, check, source: 'file' })
  }
  return rules
}

/**
 * An oslo.policy-style enforcer over Neutron's default rules and a policy file's overrides.
 * Immutable once built; a rule that does not exist falls back to `default`, as in oslo.policy.
 */
export class Policy {
  /** Every rule in force, defaults first, in a stable order. */
  readonly rules: readonly EffectiveRule[]
  private readonly parsed = new Map<string, Check>()
  private readonly compiled = new Map<string, Evaluate>()
  private readonly targetUse = new Map<string, boolean>()
  private readonly attributeRuleNames = new Map<string, readonly AttributeRule[]>()

  constructor(options: PolicyOptions = {}) {
    this.rules = Object.freeze(effectiveRules(options))
    for (const { name, check } of this.rules) {
      try {
        this.parsed.set(name, parseCheck(check))
      } catch (error) {
        throw new PolicyRuleError(name, { cause: error as Error })
      }
    }
    this.checkForCycles()
    const resolve = (name: string, target: PolicyTarget, credentials: Credentials) =>
      this.check(name, target, credentials)
    for (const [name, check] of this.parsed) {
      this.compiled.set(name, compileCheck(check, resolve))
      this.targetUse.set(name, this.computeTargetUse(name, new Set()))
    }
    this.indexAttributeRules()
  }

  /** Whether a rule of this name exists (no fallback to `default`). */
  has(name: string): boolean {
    return this.compiled.has(name)
  }

  /** Whether `credentials` pass rule `name` (or `default` when it does not exist) for `target`. */
  check(name: string, target: PolicyTarget, credentials: Credentials): boolean {
    const evaluate = this.compiled.get(name) ?? this.compiled.get(DEFAULT_RULE)
    return evaluate !== undefined && evaluate(target, credentials)
  }

  /** Whether rule `name`'s answer can depend on the target (else one check serves a whole list). */
  usesTarget(name: string): boolean {
    return this.targetUse.get(name) ?? this.targetUse.get(DEFAULT_RULE) ?? false
  }

  /** The rules named `<action>:<attribute>` (e.g. `get_port:binding:host_id`) for an action. */
  attributeRules(action: string): readonly AttributeRule[] {
    return this.attributeRuleNames.get(action) ?? []
  }

  private resolvedName(name: string): string | undefined {
    if (this.parsed.has(name)) return name
    return this.parsed.has(DEFAULT_RULE) ? DEFAULT_RULE : undefined
  }

  private checkForCycles(): void {
    const done = new Set<string>()
    const visit = (name: string, path: string[]): void => {
      if (done.has(name)) return
      const at = path.indexOf(name)
      if (at >= 0) throw new PolicyCycleError([...path.slice(at), name])
      const check = this.parsed.get(name)
      if (check === undefined) return
      for (const referenced of referencedRules(check)) {
        const target = this.resolvedName(referenced)
        if (target !== undefined) visit(target, [...path, name])
      }
      done.add(name)
    }
    for (const name of this.parsed.keys()) visit(name, [])
  }

  private computeTargetUse(name: string, seen: Set<string>): boolean {
    const known = this.targetUse.get(name)
    if (known !== undefined) return known
    const check = this.parsed.get(name)
    if (check === undefined || seen.has(name)) return false
    seen.add(name)
    return usesTarget(check, (referenced) => {
      const target = this.resolvedName(referenced)
      return target !== undefined && this.computeTargetUse(target, seen)
    })
  }

  private indexAttributeRules(): void {
    for (const name of this.parsed.keys()) {
      const colon = name.indexOf(':')
      if (colon <= 0) continue
      const action = name.slice(0, colon)
      const list = [...(this.attributeRuleNames.get(action) ?? [])]
      list.push({ attribute: name.slice(colon + 1), rule: name })
      this.attributeRuleNames.set(action, list)
    }
  }
}

/** A rule about one attribute of an action: `create_port:fixed_ips:ip_address`. */
export interface AttributeRule {
  /** The part after the action: `fixed_ips:ip_address`, `binding:host_id`. */
  readonly attribute: string
  readonly rule: string
}

/** The built-in defaults with their deprecated fallbacks, as `[oslo_policy]` leaves them. */
export const DEFAULT_POLICY: Policy = new Policy()
