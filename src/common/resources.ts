/** Resource shapes as the Neutron v2.0 API shows them. Field names are Neutron's. */

export interface StandardAttributes {
  description: string
  revision_number: number
  created_at: string
  updated_at: string
  tags: string[]
}

export interface Network extends StandardAttributes {
  id: string
  name: string
  project_id: string
  tenant_id: string
  admin_state_up: boolean
  status: string
  subnets: string[]
  shared: boolean
  mtu: number
  availability_zone_hints: string[]
  availability_zones: string[]
  'router:external': boolean
  port_security_enabled: boolean
  ipv4_address_scope: string | null
  ipv6_address_scope: string | null
  l2_adjacency: boolean
}

export interface AllocationPool {
  start: string
  end: string
}

export interface HostRoute {
  destination: string
  nexthop: string
}

export type Ipv6Mode = 'slaac' | 'dhcpv6-stateful' | 'dhcpv6-stateless'

export interface Subnet extends StandardAttributes {
  id: string
  name: string
  project_id: string
  tenant_id: string
  network_id: string
  ip_version: 4 | 6
  cidr: string
  gateway_ip: string | null
  allocation_pools: AllocationPool[]
  dns_nameservers: string[]
  host_routes: HostRoute[]
  enable_dhcp: boolean
  ipv6_ra_mode: Ipv6Mode | null
  ipv6_address_mode: Ipv6Mode | null
  subnetpool_id: string | null
  segment_id: string | null
  service_types: string[]
}

export interface FixedIp {
  subnet_id: string
  ip_address: string
}

export interface ExtraDhcpOpt {
  opt_name: string
  opt_value: string
  ip_version: 4 | 6
}

export interface Port extends StandardAttributes {
  id: string
  name: string
  project_id: string
  tenant_id: string
  network_id: string
  admin_state_up: boolean
  mac_address: string
  fixed_ips: FixedIp[]
  device_id: string
  device_owner: string
  status: string
  extra_dhcp_opts: ExtraDhcpOpt[]
  'binding:host_id': string
  'binding:vif_type': string
  'binding:vnic_type': string
  'binding:vif_details': Record<string, unknown>
  'binding:profile': Record<string, unknown>
  security_groups: string[]
  allowed_address_pairs: unknown[]
  port_security_enabled: boolean
  ip_allocation: string
}

/** Device owners whose ports are deleted with their network (Neutron's AUTO_DELETE_PORT_OWNERS). */
export const AUTO_DELETE_PORT_OWNERS: readonly string[] = [
  'network:dhcp',
  'network:distributed',
  'network:floatingip_agent_gateway',
]

/** Device owner of DHCP ports. */
export const DEVICE_OWNER_DHCP = 'network:dhcp'

/** Router interface owners: a subnet whose gateway one of these holds is routed. */
export const ROUTER_INTERFACE_OWNERS: readonly string[] = [
  'network:router_interface',
  'network:ha_router_replicated_interface',
  'network:router_interface_distributed',
]
