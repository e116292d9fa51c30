import type { ColumnType, Generated, Kysely, Transaction } from 'kysely'

/** A boolean column: PostgreSQL returns booleans, SQLite and MySQL 0/1; always written as 0/1. */
export type BoolColumn = ColumnType<boolean | number, number, number>
/** A UTC timestamp column, read and written as `YYYY-MM-DD HH:MM:SS` text. */
export type TimestampColumn = ColumnType<string, string, string>

export interface StandardAttributesTable {
  id: Generated<number>
  resource_type: string
  description: string | null
  revision_number: number
  created_at: TimestampColumn
  updated_at: TimestampColumn | null
}

export interface TagsTable {
  standard_attr_id: number
  tag: string
}

export interface NetworksTable {
  id: string
  project_id: string | null
  name: string | null
  status: string | null
  admin_state_up: BoolColumn | null
  shared: BoolColumn
  mtu: number
  availability_zone_hints: string | null
  vlan_transparent: BoolColumn | null
  standard_attr_id: number
}

export interface SubnetsTable {
  id: string
  project_id: string | null
  name: string | null
  network_id: string
  segment_id: string | null
  subnetpool_id: string | null
  ip_version: number
  cidr: string
  gateway_ip: string | null
  enable_dhcp: BoolColumn | null
  ipv6_ra_mode: string | null
  ipv6_address_mode: string | null
  standard_attr_id: number
}

export interface IpAllocationPoolsTable {
  id: string
  subnet_id: string
  first_ip: string
  last_ip: string
}

export interface DnsNameserversTable {
  address: string
  subnet_id: string
  order: number
}

export interface SubnetRoutesTable {
  destination: string
  nexthop: string
  subnet_id: string
}

export interface PortsTable {
  id: string
  project_id: string | null
  name: string | null
  network_id: string
  mac_address: string
  admin_state_up: BoolColumn
  status: string
  device_id: string
  device_owner: string
  ip_allocation: string | null
  standard_attr_id: number
}

export interface PortBindingsTable {
  port_id: string
  host: string
  vif_type: string
  vnic_type: string
  profile: string
  vif_details: string
  status: string
}

export interface IpAllocationsTable {
  port_id: string | null
  ip_address: string
  subnet_id: string
  network_id: string
}

export interface ExtraDhcpOptsTable {
  id: string
  port_id: string
  opt_name: string
  opt_value: string
  ip_version: number
}

export interface AgentsTable {
  id: string
  agent_type: string
  binary: string
  topic: string
  host: string
  availability_zone: string | null
  admin_state_up: BoolColumn
  created_at: TimestampColumn
  started_at: TimestampColumn
  heartbeat_timestamp: TimestampColumn
  description: string | null
  configurations: string
  resource_versions: string | null
  load: number
  resources_synced: BoolColumn | null
}

export interface NetworkDhcpAgentBindingsTable {
  network_id: string
  dhcp_agent_id: string
  binding_index: number
}

export interface ProvisioningBlocksTable {
  standard_attr_id: number
  entity: string
}

/** Leasehold's schema, as Kysely sees it. Table and column names are Neutron's. */
export interface Database {
  standardattributes: StandardAttributesTable
  tags: TagsTable
  networks: NetworksTable
  subnets: SubnetsTable
  ipallocationpools: IpAllocationPoolsTable
  dnsnameservers: DnsNameserversTable
  subnetroutes: SubnetRoutesTable
  ports: PortsTable
  ml2_port_bindings: PortBindingsTable
  ipallocations: IpAllocationsTable
  extradhcpopts: ExtraDhcpOptsTable
  agents: AgentsTable
  networkdhcpagentbindings: NetworkDhcpAgentBindingsTable
  provisioningblocks: ProvisioningBlocksTable
}

/** What table functions take as their first argument: the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>

/** Reads a boolean column the same way on every engine. */
export function toBool(value: boolean | number | null | undefined): boolean {
  return value === true || value === 1
}

/** Writes a boolean column the same way on every engine. */
export function fromBool(value: boolean): number {
  return value ? 1 : 0
}
