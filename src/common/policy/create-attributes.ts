/** Resources whose create requests carry attribute rules. */
export type PolicyResource = 'network' | 'subnet' | 'port'

/** Neutron's API defaults, for the attributes Leasehold fills in before the plugin sees a create. */
const CREATE_DEFAULTS: Readonly<Record<PolicyResource, Readonly<Record<string, unknown>>>> = {
  network: { name: '', description: '', admin_state_up: true, shared: false },
  subnet: {
    name: '',
    description: '',
    enable_dhcp: true,
    dns_nameservers: [],
    host_routes: [],
    segment_id: null,
  },
  port: {
    name: '',
    description: '',
    admin_state_up: true,
    device_id: '',
    device_owner: '',
    'binding:host_id': '',
  },
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b)
}

/**
 * The attributes a create request sets explicitly, as Neutron's policy layer sees them: present
 * and different from the attribute's default (`shared: false` asks nothing of the policy).
 */
export function attributesSetOnCreate(
  resource: PolicyResource,
  input: object,
): Record<string, unknown> {
  const defaults = CREATE_DEFAULTS[resource]
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue
    if (Object.hasOwn(defaults, key) && sameValue(value, defaults[key])) continue
    out[key] = value
  }
  return out
}
