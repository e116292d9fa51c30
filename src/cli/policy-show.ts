import type { Config } from '../common/config/index.js'
import { loadPolicy, policyOptions, type EffectiveRule } from '../common/policy/index.js'

function describe(rule: EffectiveRule, file: string | undefined): string {
  if (rule.source === 'file') {
    const what =
      rule.description === undefined ? 'a rule of its own' : `default: ${rule.description}`
    return `# from ${file ?? 'the policy file'} (${what})`
  }
  return `# ${rule.description ?? ''}`
}

/**
 * The rules in force as YAML, usable as a policy file: Neutron's defaults (with their deprecated
 * fallbacks unless enforce_new_defaults) merged with `[oslo_policy] policy_file`.
 */
export function renderEffectivePolicy(config: Config, configFiles: readonly string[]): string {
  const options = config.group(policyOptions)
  const { policy, file } = loadPolicy({
    policyFile: options.policy_file,
    enforceNewDefaults: options.enforce_new_defaults,
    configFiles,
  })
  const header = [
    '# Leasehold effective policy: Neutron defaults merged with the policy file.',
    `# policy_file: ${file ?? `${options.policy_file} (not found; defaults only)`}`,
    `# enforce_new_defaults: ${options.enforce_new_defaults}`,
  ]
  const rules = policy.rules.map(
    (rule) =>
      `${describe(rule, file)}\n${JSON.stringify(rule.name)}: ${JSON.stringify(rule.check)}`,
  )
  return `${[header.join('\n'), ...rules].join('\n\n')}\n`
}

/** `leasehold policy show`: prints the effective policy. */
export function runPolicyShow(config: Config, configFiles: readonly string[]): number {
  process.stdout.write(renderEffectivePolicy(config, configFiles))
  return 0
}
