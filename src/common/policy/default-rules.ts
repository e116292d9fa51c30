/**
 * Neutron's default policy rules (Zed, `neutron/conf/policies/`) for what Leasehold serves:
 * networks, subnets, ports, agents and DHCP agent scheduling. `check` is the secure-RBAC
 * default; `deprecated` the rule before it, which oslo.policy still honours (ORed with
 * `check`) unless `[oslo_policy] enforce_new_defaults` is set.
 */

/** One default rule. */
export interface RuleDefault {
  readonly name: string
  readonly check: string
  readonly description: string
  /** The pre-RBAC check (oslo.policy's `deprecated_rule`) when it differs from `check`. */
  readonly deprecated?: string
}

const ADMIN = 'rule:admin_only'
const PROJECT_MEMBER = 'role:member and project_id:%(project_id)s'
const PROJECT_READER = 'role:reader and project_id:%(project_id)s'
const ADMIN_OR_MEMBER = `${ADMIN} or ${PROJECT_MEMBER}`
// Neutron 2023.2 (bug 1999209): only members of the network's project manage its subnets.
// Zed's `... or role:member and project_id:%(project_id)s or rule:network_owner` let any member
// add subnets to a shared network it does not own.
const ADMIN_OR_NET_OWNER_MEMBER = `${ADMIN} or role:member and rule:network_owner`

function rule(name: string, check: string, description: string, deprecated?: string): RuleDefault {
  return deprecated === undefined || deprecated === check
    ? { name, check, description }
    : { name, check, description, deprecated }
}

const adminOnly = (name: string, description: string) => rule(name, ADMIN, description)

const baseRules: readonly RuleDefault[] = [
  rule('context_is_admin', 'role:admin', 'Rule for cloud admin access'),
  rule('owner', 'tenant_id:%(tenant_id)s', 'Rule for resource owner access'),
  rule('admin_or_owner', 'rule:context_is_admin or rule:owner', 'Rule for admin or owner access'),
  rule('context_is_advsvc', 'role:advsvc', 'Rule for advsvc role access'),
  rule(
    'admin_or_network_owner',
    'rule:context_is_admin or tenant_id:%(network:tenant_id)s',
    'Rule for admin or network owner access',
  ),
  rule(
    'admin_owner_or_network_owner',
    'rule:owner or rule:admin_or_network_owner',
    'Rule for resource owner, admin or network owner access',
  ),
  rule('network_owner', 'tenant_id:%(network:tenant_id)s', 'Rule for network owner access'),
  rule('admin_only', 'rule:context_is_admin', 'Rule for admin-only access'),
  rule('regular_user', '', 'Rule for regular user access'),
  rule('shared', 'field:networks:shared=True', 'Rule of shared network'),
  rule('default', 'rule:admin_or_owner', 'Default access rule'),
]

const networkRules: readonly RuleDefault[] = [
  rule('external', 'field:networks:router:external=True', 'Definition of an external network'),
  rule('create_network', ADMIN_OR_MEMBER, 'Create a network', 'rule:regular_user'),
  adminOnly('create_network:shared', 'Create a shared network'),
  rule(
    'get_network',
    `${ADMIN} or ${PROJECT_READER} or rule:shared or rule:external or rule:context_is_advsvc`,
    'Get a network',
    'rule:admin_or_owner or rule:shared or rule:external or rule:context_is_advsvc',
  ),
  rule(
    'get_network:router:external',
    `${ADMIN} or ${PROJECT_READER}`,
    'Get `router:external` attribute of a network',
    'rule:regular_user',
  ),
  rule('update_network', ADMIN_OR_MEMBER, 'Update a network', 'rule:admin_or_owner'),
  adminOnly('update_network:shared', 'Update `shared` attribute of a network'),
  rule('delete_network', ADMIN_OR_MEMBER, 'Delete a network', 'rule:admin_or_owner'),
]

const subnetRules: readonly RuleDefault[] = [
  rule(
    'create_subnet',
    ADMIN_OR_NET_OWNER_MEMBER,
    'Create a subnet',
    'rule:admin_or_network_owner',
  ),
  adminOnly('create_subnet:segment_id', 'Specify `segment_id` attribute when creating a subnet'),
  rule(
    'get_subnet',
    `${ADMIN} or ${PROJECT_READER} or rule:shared`,
    'Get a subnet',
    'rule:admin_or_owner or rule:shared',
  ),
  adminOnly('get_subnet:segment_id', 'Get `segment_id` attribute of a subnet'),
  rule(
    'update_subnet',
    ADMIN_OR_NET_OWNER_MEMBER,
    'Update a subnet',
    'rule:admin_or_network_owner',
  ),
  rule(
    'delete_subnet',
    ADMIN_OR_NET_OWNER_MEMBER,
    'Delete a subnet',
    'rule:admin_or_network_owner',
  ),
]

const OWNER_OF_ADDRESSES = `rule:context_is_advsvc or rule:network_owner or ${ADMIN}`
const OWNER_OF_ADDRESSES_DEPRECATED = 'rule:context_is_advsvc or rule:admin_or_network_owner'

const portCreateRules: readonly RuleDefault[] = [
  rule(
    'network_device',
    'field:port:device_owner=~^network:',
    'Definition of port with network device_owner',
  ),
  rule('create_port', ADMIN_OR_MEMBER, 'Create a port', 'rule:regular_user'),
  rule(
    'create_port:device_owner',
    `not rule:network_device or ${ADMIN} or rule:context_is_advsvc or rule:network_owner`,
    'Specify `device_owner` attribute when creating a port',
    'not rule:network_device or rule:context_is_advsvc or rule:admin_or_network_owner',
  ),
  rule(
    'create_port:mac_address',
    OWNER_OF_ADDRESSES,
    'Specify `mac_address` attribute when creating a port',
    OWNER_OF_ADDRESSES_DEPRECATED,
  ),
  rule(
    'create_port:fixed_ips',
    `${OWNER_OF_ADDRESSES} or rule:shared`,
    'Specify `fixed_ips` information when creating a port',
    `${OWNER_OF_ADDRESSES_DEPRECATED} or rule:shared`,
  ),
  rule(
    'create_port:fixed_ips:ip_address',
    OWNER_OF_ADDRESSES,
    'Specify IP address in `fixed_ips` when creating a port',
    OWNER_OF_ADDRESSES_DEPRECATED,
  ),
  rule(
    'create_port:fixed_ips:subnet_id',
    `${OWNER_OF_ADDRESSES} or rule:shared`,
    'Specify subnet ID in `fixed_ips` when creating a port',
    `${OWNER_OF_ADDRESSES_DEPRECATED} or rule:shared`,
  ),
  adminOnly(
    'create_port:binding:host_id',
    'Specify `binding:host_id` attribute when creating a port',
  ),
]

const portReadRules: readonly RuleDefault[] = [
  rule(
    'get_port',
    `${ADMIN} or rule:context_is_advsvc or ${PROJECT_READER}`,
    'Get a port',
    'rule:context_is_advsvc or rule:admin_owner_or_network_owner',
  ),
  adminOnly('get_port:binding:vif_type', 'Get `binding:vif_type` attribute of a port'),
  adminOnly('get_port:binding:vif_details', 'Get `binding:vif_details` attribute of a port'),
  adminOnly('get_port:binding:host_id', 'Get `binding:host_id` attribute of a port'),
  adminOnly('get_port:binding:profile', 'Get `binding:profile` attribute of a port'),
]

const portChangeRules: readonly RuleDefault[] = [
  rule(
    'update_port',
    `${ADMIN_OR_MEMBER} or rule:context_is_advsvc`,
    'Update a port',
    'rule:admin_or_owner or rule:context_is_advsvc',
  ),
  rule(
    'update_port:device_owner',
    `not rule:network_device or rule:context_is_advsvc or rule:network_owner or ${ADMIN}`,
    'Update `device_owner` attribute of a port',
    'not rule:network_device or rule:context_is_advsvc or rule:admin_or_network_owner',
  ),
  rule(
    'update_port:mac_address',
    `${ADMIN} or rule:context_is_advsvc`,
    'Update `mac_address` attribute of a port',
  ),
  rule(
    'update_port:fixed_ips',
    OWNER_OF_ADDRESSES,
    'Specify `fixed_ips` information when updating a port',
    OWNER_OF_ADDRESSES_DEPRECATED,
  ),
  rule(
    'update_port:fixed_ips:ip_address',
    OWNER_OF_ADDRESSES,
    'Specify IP address in `fixed_ips` information when updating a port',
    OWNER_OF_ADDRESSES_DEPRECATED,
  ),
  rule(
    'update_port:fixed_ips:subnet_id',
    `${OWNER_OF_ADDRESSES} or rule:shared`,
    'Specify subnet ID in `fixed_ips` information when updating a port',
    `${OWNER_OF_ADDRESSES_DEPRECATED} or rule:shared`,
  ),
  adminOnly('update_port:binding:host_id', 'Update `binding:host_id` attribute of a port'),
  rule(
    'delete_port',
    `${ADMIN} or rule:context_is_advsvc or ${PROJECT_MEMBER}`,
    'Delete a port',
    'rule:context_is_advsvc or rule:admin_owner_or_network_owner',
  ),
]

const agentRules: readonly RuleDefault[] = [
  adminOnly('get_agent', 'Get an agent'),
  adminOnly('update_agent', 'Update an agent'),
  adminOnly('delete_agent', 'Delete an agent'),
  adminOnly('create_dhcp-network', 'Add a network to a DHCP agent'),
  adminOnly('get_dhcp-networks', 'List networks on a DHCP agent'),
  adminOnly('delete_dhcp-network', 'Remove a network from a DHCP agent'),
  adminOnly('get_dhcp-agents', 'List DHCP agents hosting a network'),
  rule('get_availability_zone', ADMIN, 'List availability zones', 'rule:regular_user'),
]

/** Every default rule, in the order `leasehold policy show` prints them. */
export const DEFAULT_RULES: readonly RuleDefault[] = [
  ...baseRules,
  ...networkRules,
  ...subnetRules,
  ...portCreateRules,
  ...portReadRules,
  ...portChangeRules,
  ...agentRules,
]
