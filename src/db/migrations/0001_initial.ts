import type { Kysely } from 'kysely'
import type { DialectTraits } from '../dialect.js'

/* Migrations use Kysely<any> on purpose: they describe the schema as it was when written. */
/* eslint-disable @typescript-eslint/no-explicit-any */

/** Neutron's core tables: standard attributes, networks, subnets, IPAM, ports, agents. */
export async function up(db: Kysely<any>, traits: DialectTraits): Promise<void> {
  const ts = traits.timestampType
  await db.schema
    .createTable('standardattributes')
    .addColumn('id', traits.autoIncrementType, (c) => traits.autoIncrementKey(c))
    .addColumn('resource_type', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'varchar(255)')
    .addColumn('revision_number', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts)
    .execute()

  await db.schema
    .createTable('tags')
    .addColumn('standard_attr_id', 'bigint', (c) =>
      c.notNull().references('standardattributes.id').onDelete('cascade'),
    )
    .addColumn('tag', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('tags_pkey', ['standard_attr_id', 'tag'])
    .execute()

  await db.schema
    .createTable('networks')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(255)')
    .addColumn('name', 'varchar(255)')
    .addColumn('status', 'varchar(16)')
    .addColumn('admin_state_up', 'boolean')
    .addColumn('shared', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('mtu', 'integer', (c) => c.notNull().defaultTo(1500))
    .addColumn('availability_zone_hints', 'varchar(255)')
    .addColumn('vlan_transparent', 'boolean')
    .addColumn('standard_attr_id', 'bigint', (c) =>
      c.notNull().unique().references('standardattributes.id').onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('ix_networks_project_id')
    .on('networks')
    .column('project_id')
    .execute()

  await db.schema
    .createTable('subnets')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(255)')
    .addColumn('name', 'varchar(255)')
    .addColumn('network_id', 'varchar(36)', (c) => c.notNull().references('networks.id'))
    .addColumn('segment_id', 'varchar(36)')
    .addColumn('subnetpool_id', 'varchar(36)')
    .addColumn('ip_version', 'integer', (c) => c.notNull())
    .addColumn('cidr', 'varchar(64)', (c) => c.notNull())
    .addColumn('gateway_ip', 'varchar(64)')
    .addColumn('enable_dhcp', 'boolean')
    .addColumn('ipv6_ra_mode', 'varchar(16)')
    .addColumn('ipv6_address_mode', 'varchar(16)')
    .addColumn('standard_attr_id', 'bigint', (c) =>
      c.notNull().unique().references('standardattributes.id').onDelete('cascade'),
    )
    .execute()
  await db.schema.createIndex('ix_subnets_network_id').on('subnets').column('network_id').execute()
  await db.schema.createIndex('ix_subnets_project_id').on('subnets').column('project_id').execute()

  await db.schema
    .createTable('ipallocationpools')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('subnet_id', 'varchar(36)', (c) =>
      c.notNull().references('subnets.id').onDelete('cascade'),
    )
    .addColumn('first_ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('last_ip', 'varchar(64)', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('ix_ipallocationpools_subnet_id')
    .on('ipallocationpools')
    .column('subnet_id')
    .execute()

  await db.schema
    .createTable('dnsnameservers')
    .addColumn('address', 'varchar(128)', (c) => c.notNull())
    .addColumn('subnet_id', 'varchar(36)', (c) =>
      c.notNull().references('subnets.id').onDelete('cascade'),
    )
    .addColumn('order', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('dnsnameservers_pkey', ['address', 'subnet_id'])
    .execute()

  await db.schema
    .createTable('subnetroutes')
    .addColumn('destination', 'varchar(64)', (c) => c.notNull())
    .addColumn('nexthop', 'varchar(64)', (c) => c.notNull())
    .addColumn('subnet_id', 'varchar(36)', (c) =>
      c.notNull().references('subnets.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('subnetroutes_pkey', ['destination', 'nexthop', 'subnet_id'])
    .execute()

  await db.schema
    .createTable('ports')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(255)')
    .addColumn('name', 'varchar(255)')
    .addColumn('network_id', 'varchar(36)', (c) => c.notNull().references('networks.id'))
    .addColumn('mac_address', 'varchar(32)', (c) => c.notNull())
    .addColumn('admin_state_up', 'boolean', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('device_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('device_owner', 'varchar(255)', (c) => c.notNull())
    .addColumn('ip_allocation', 'varchar(16)')
    .addColumn('standard_attr_id', 'bigint', (c) =>
      c.notNull().unique().references('standardattributes.id').onDelete('cascade'),
    )
    .addUniqueConstraint('uniq_ports0network_id0mac_address', ['network_id', 'mac_address'])
    .execute()
  await db.schema
    .createIndex('ix_ports_network_id_device_owner')
    .on('ports')
    .columns(['network_id', 'device_owner'])
    .execute()
  await db.schema.createIndex('ix_ports_device_id').on('ports').column('device_id').execute()
  await db.schema.createIndex('ix_ports_project_id').on('ports').column('project_id').execute()

  await db.schema
    .createTable('ml2_port_bindings')
    .addColumn('port_id', 'varchar(36)', (c) =>
      c.primaryKey().references('ports.id').onDelete('cascade'),
    )
    .addColumn('host', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('vif_type', 'varchar(64)', (c) => c.notNull())
    .addColumn('vnic_type', 'varchar(64)', (c) => c.notNull().defaultTo('normal'))
    .addColumn('profile', 'varchar(4095)', (c) => c.notNull().defaultTo(''))
    .addColumn('vif_details', 'varchar(4095)', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('ACTIVE'))
    .execute()
  await db.schema
    .createIndex('ix_ml2_port_bindings_host')
    .on('ml2_port_bindings')
    .column('host')
    .execute()

  await db.schema
    .createTable('ipallocations')
    .addColumn('port_id', 'varchar(36)', (c) => c.references('ports.id').onDelete('cascade'))
    .addColumn('ip_address', 'varchar(64)', (c) => c.notNull())
    .addColumn('subnet_id', 'varchar(36)', (c) =>
      c.notNull().references('subnets.id').onDelete('cascade'),
    )
    .addColumn('network_id', 'varchar(36)', (c) =>
      c.notNull().references('networks.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('ipallocations_pkey', ['ip_address', 'subnet_id'])
    .execute()
  await db.schema
    .createIndex('ix_ipallocations_port_id')
    .on('ipallocations')
    .column('port_id')
    .execute()
  await db.schema
    .createIndex('ix_ipallocations_subnet_id')
    .on('ipallocations')
    .column('subnet_id')
    .execute()

  await db.schema
    .createTable('extradhcpopts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('port_id', 'varchar(36)', (c) =>
      c.notNull().references('ports.id').onDelete('cascade'),
    )
    .addColumn('opt_name', 'varchar(64)', (c) => c.notNull())
    .addColumn('opt_value', 'varchar(255)', (c) => c.notNull())
    .addColumn('ip_version', 'integer', (c) => c.notNull().defaultTo(4))
    .addUniqueConstraint('uniq_extradhcpopts0portid0optname0ipversion', [
      'port_id',
      'opt_name',
      'ip_version',
    ])
    .execute()

  await db.schema
    .createTable('agents')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('agent_type', 'varchar(255)', (c) => c.notNull())
    .addColumn('binary', 'varchar(255)', (c) => c.notNull())
    .addColumn('topic', 'varchar(255)', (c) => c.notNull())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('availability_zone', 'varchar(255)')
    .addColumn('admin_state_up', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('started_at', ts, (c) => c.notNull())
    .addColumn('heartbeat_timestamp', ts, (c) => c.notNull())
    .addColumn('description', 'varchar(255)')
    .addColumn('configurations', 'varchar(4095)', (c) => c.notNull())
    .addColumn('resource_versions', 'varchar(8191)')
    .addColumn('load', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resources_synced', 'boolean')
    .addUniqueConstraint('uniq_agents0agent_type0host', ['agent_type', 'host'])
    .execute()
  await db.schema.createIndex('ix_agents_host').on('agents').column('host').execute()

  await db.schema
    .createTable('networkdhcpagentbindings')
    .addColumn('network_id', 'varchar(36)', (c) =>
      c.notNull().references('networks.id').onDelete('cascade'),
    )
    .addColumn('dhcp_agent_id', 'varchar(36)', (c) =>
      c.notNull().references('agents.id').onDelete('cascade'),
    )
    .addColumn('binding_index', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('networkdhcpagentbindings_pkey', ['network_id', 'dhcp_agent_id'])
    .addUniqueConstraint('uniq_network_dhcp_agent_binding0network_id0binding_index0', [
      'network_id',
      'binding_index',
    ])
    .execute()

  await db.schema
    .createTable('provisioningblocks')
    .addColumn('standard_attr_id', 'bigint', (c) =>
      c.notNull().references('standardattributes.id').onDelete('cascade'),
    )
    .addColumn('entity', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('provisioningblocks_pkey', ['standard_attr_id', 'entity'])
    .execute()
}
