import { bool, defineOptions, str } from '../config/index.js'

/** oslo.policy's options, under their oslo names. */
export const policyOptions = defineOptions('oslo_policy', {
  policy_file: str({
    default: 'policy.yaml',
    help: 'The policy file (YAML or JSON) whose rules override the built-in defaults. A relative path is looked up next to each --config-file (the last one first), then in the working directory; the default name may be absent.',
  }),
  enforce_new_defaults: bool({
    default: false,
    help: "Enforce only the new (secure RBAC) default rules; when false, a default rule's deprecated check string is still honoured, ORed with the new one, as in Neutron Zed.",
  }),
})
