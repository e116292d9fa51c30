/** Authorization as Neutron does it: oslo.policy rules, Neutron's defaults, a policy file. */
export {
  attributeFilter,
  authorize,
  credentialsOf,
  filterAuthorized,
  isAuthorized,
  policyOf,
} from './authorize.js'
export { parseCheck, PolicySyntaxError, type Check } from './check-parser.js'
export { attributesSetOnCreate, type PolicyResource } from './create-attributes.js'
export { DEFAULT_RULES, type RuleDefault } from './default-rules.js'
export type { Credentials, PolicyTarget } from './evaluate.js'
export { policyOptions } from './options.js'
export {
  DEFAULT_POLICY,
  Policy,
  PolicyCycleError,
  PolicyRuleError,
  type EffectiveRule,
  type PolicyOptions,
} from './policy.js'
export {
  DEFAULT_POLICY_FILE,
  findPolicyFile,
  loadPolicy,
  readPolicyFile,
  type LoadedPolicy,
  type PolicyFileOptions,
} from './policy-file.js'
