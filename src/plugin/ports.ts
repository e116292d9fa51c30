import { randomBytes, randomUUID } from 'node:crypto'
import { sql, type Expression, type SqlBool } from 'kysely'
import { isAdminOrOwner, type RequestContext } from '../common/context.js'
import { MacAddressInUse, PortNotFound } from '../common/errors.js'
import {
  attributesSetOnCreate,
  authorize,
  filterAuthorized,
  isAuthorized,
  type PolicyTarget,
} from '../common/policy/index.js'
import { generateMac } from '../common/net/mac.js'
import { DEVICE_OWNER_DHCP, type FixedIp, type Port } from '../common/resources.js'
import type { DatabaseHandle } from '../db/database.js'
import { fromBool, toBool, type Executor } from '../db/schema.js'
import {
  allocationsByPort,
  deleteAllocations,
  insertAllocations,
} from '../db/tables/ip-allocations.js'
import { extraDhcpOptsByPort } from '../db/tables/extra-dhcp-opts.js'
import * as portsTable from '../db/tables/ports.js'
import {
  bumpRevision,
  deleteStandardAttributes,
  insertStandardAttributes,
  utcNow,
} from '../db/tables/standard-attributes.js'
import { replaceTags, tagsByResource } from '../db/tables/tags.js'
import { noopEventSink, publishAll, type ResourceEventSink } from '../notifier/resource-events.js'
import { addressesForPort, type FixedIpRequest } from './ipam/port-addresses.js'
import { ipamSubnetsOf } from './ipam/subnet-loader.js'
import { listPage, type ListQuery, type ListableResource } from './list-spec.js'
import type { NetworkService } from './networks.js'
import { mergeExtraDhcpOpts, type ExtraDhcpOptRequest } from './extra-dhcp-opts.js'
import type { PluginOptions } from './plugin-options.js'
import { networkFactsOf, networkFields, viewTarget, type NetworkFacts } from './policy-targets.js'
import { checkRevision } from './revision.js'
import { inTransaction } from './transaction.js'
import { standardView } from './views.js'

/** Attributes of a new port (validated by the API). */
export interface PortCreate {
  network_id: string
  name: string
  admin_state_up: boolean
  mac_address?: string
  fixed_ips?: FixedIpRequest[]
  device_id: string
  device_owner: string
  project_id: string
  description: string
  extra_dhcp_opts?: ExtraDhcpOptRequest[]
  'binding:host_id'?: string
  tags?: string[]
}

/** Attributes a caller may change on a port. */
export type PortUpdate = Partial<
  Pick<
    PortCreate,
    | 'name'
    | 'admin_state_up'
    | 'mac_address'
    | 'fixed_ips'
    | 'device_id'
    | 'device_owner'
    | 'description'
    | 'extra_dhcp_opts'
    | 'binding:host_id'
  >
>

const listable: ListableResource = {
  columns: portsTable.portColumns,
  kinds: { admin_state_up: 'bool', revision_number: 'int' },
  special: ['fixed_ips', 'tags', 'security_groups', 'extra_dhcp_opts'],
  idColumn: 'ports.id',
}

/** The database scope of a caller's ports: its own, and every port on networks it owns. */
function portVisibleTo(context: RequestContext): Expression<SqlBool> | undefined {
  if (context.isAdmin) return undefined
  const project = context.projectId ?? ''
  return sql<SqlBool>`(ports.project_id = ${project} or exists (select 1 from networks where networks.id = ports.network_id and networks.project_id = ${project}))`
}

/** Parses `fixed_ips=ip_address=X` / `fixed_ips=subnet_id=Y` filters into conditions. */
function fixedIpConditions(values: readonly string[] | undefined): Expression<SqlBool>[] {
  if (!values) return []
  const wanted = { ip_address: [] as string[], subnet_id: [] as string[] }
  for (const value of values) {
    const [key, ...rest] = value.split('=')
    if (key === 'ip_address' || key === 'subnet_id') wanted[key].push(rest.join('='))
  }
  // Repeated values OR; an address and a subnet must match the same allocation.
  const ips = wanted.ip_address.length > 0 ? wanted.ip_address : [undefined]
  const subnets = wanted.subnet_id.length > 0 ? wanted.subnet_id : [undefined]
  const matches = ips.flatMap((ip_address) =>
    subnets.map((subnet_id) => portsTable.hasFixedIp({ ip_address, subnet_id })),
  )
  return [sql<SqlBool>`(${sql.join(matches, sql` or `)})`]
}

/**
 * Ports: the core plugin's part for `/v2.0/ports`. Each committed change is published to
 * `events` after its transaction, never for a rolled-back one.
 */
export class PortService {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly options: PluginOptions,
    private readonly networks: NetworkService,
    private readonly events: ResourceEventSink = noopEventSink,
  ) {}

  /** Builds API views of port rows. */
  async views(db: Executor, rows: readonly portsTable.PortRow[]): Promise<Port[]> {
    const ids = rows.map((r) => r.id)
    const allocations = await allocationsByPort(db, ids)
    const opts = await extraDhcpOptsByPort(db, ids)
    const tags = await tagsByResource(
      db,
      rows.map((r) => Number(r.standard_attr_id)),
    )
    return rows.map((row) => ({
      id: row.id,
      name: row.name ?? '',
      network_id: row.network_id,
      project_id: row.project_id ?? '',
      tenant_id: row.project_id ?? '',
      admin_state_up: toBool(row.admin_state_up),
      mac_address: row.mac_address,
      fixed_ips: (allocations.get(row.id) ?? []).map((a) => ({
        subnet_id: a.subnet_id,
        ip_address: a.ip_address,
      })),
      device_id: row.device_id,
      device_owner: row.device_owner,
      status: row.status,
      extra_dhcp_opts: (opts.get(row.id) ?? []).map((o) => ({
        opt_name: o.opt_name,
        opt_value: o.opt_value,
        ip_version: Number(o.ip_version) === 6 ? 6 : 4,
      })),
      'binding:host_id': row.host ?? '',
      'binding:vif_type': 'unbound',
      'binding:vnic_type': 'normal',
      'binding:vif_details': {},
      'binding:profile': {},
      security_groups: [],
      allowed_address_pairs: [],
      port_security_enabled: true,
      ip_allocation: row.ip_allocation ?? 'immediate',
      ...standardView(row, tags.get(Number(row.standard_attr_id))),
    }))
  }

  /** A port the caller may see (its scope and `get_port`) with its network, or PortNotFound. */
  private async visibleWithNetwork(
    db: Executor,
    context: RequestContext,
    portId: string,
  ): Promise<{ row: portsTable.PortRow; network: NetworkFacts | undefined }> {
    const row = await portsTable.findPort(db, portId)
    if (!row) throw new PortNotFound(portId)
    const network = (await networkFactsOf(db, [row.network_id])).get(row.network_id)
    const inScope =
      isAdminOrOwner(context, row.project_id) ||
      (network !== undefined && isAdminOrOwner(context, network.project_id))
    if (inScope && isAuthorized(context, 'get_port', portTarget(row, network))) {
      return { row, network }
    }
    throw new PortNotFound(portId)
  }

  private async visible(
    db: Executor,
    context: RequestContext,
    portId: string,
  ): Promise<portsTable.PortRow> {
    return (await this.visibleWithNetwork(db, context, portId)).row
  }

  /** One port as the caller sees it. */
  async show(db: Executor, context: RequestContext, portId: string): Promise<Port> {
    const [view] = await this.views(db, [await this.visible(db, context, portId)])
    if (!view) throw new PortNotFound(portId)
    return view
  }

  /** One port, read outside any transaction. */
  async get(context: RequestContext, portId: string): Promise<Port> {
    return this.show(this.handle.db, context, portId)
  }

  /** Ports the caller may see, filtered, sorted and paged. */
  async list(context: RequestContext, query: ListQuery): Promise<Port[]> {
    const db = this.handle.db
    const visibility = portVisibleTo(context)
    const ports = await listPage({
      query,
      resource: listable,
      conditions: [
        ...(visibility ? [visibility] : []),
        ...fixedIpConditions(query.filters.get('fixed_ips')),
      ],
      markerRow: (id) => this.visible(db, context, id),
      fetch: (spec) => portsTable.listPorts(db, spec),
      views: (rows) => this.views(db, rows),
    })
    const networks = await networkFactsOf(
      db,
      ports.map((p) => p.network_id),
    )
    return filterAuthorized(context, 'get_port', ports, (p) =>
      viewTarget(p, networks.get(p.network_id)),
    )
  }

  /** Creates ports in one transaction (one for a single POST, several for bulk). */
  async create(context: RequestContext, inputs: readonly PortCreate[]): Promise<Port[]> {
    const ports = await inTransaction(this.handle, async (trx) => {
      const ids: string[] = []
      for (const input of inputs) ids.push(await this.insert(trx, context, input))
      const rows = await portsTable.listPorts(trx, {
        filters: [{ column: 'ports.id', values: ids }],
        sorts: [],
      })
      const views = await this.views(trx, rows)
      return ids
        .map((id) => views.find((v) => v.id === id))
        .filter((v): v is Port => v !== undefined)
    })
    await publishAll(
      this.events,
      ports.map((port) => ({ type: 'port.create' as const, port })),
    )
    return ports
  }

  private async uniqueMac(
    trx: Executor,
    networkId: string,
    requested: string | undefined,
  ): Promise<string> {
    if (requested !== undefined) {
      if (await portsTable.isMacInUse(trx, networkId, requested))
        throw new MacAddressInUse(networkId, requested)
      return requested
    }
    for (let i = 0; i < this.options.macGenerationRetries; i++) {
      const bytes = randomBytes(3)
      let n = 0
      const mac = generateMac(this.options.baseMac, () => bytes[n++] ?? 0)
      if (!(await portsTable.isMacInUse(trx, networkId, mac))) return mac
    }
    throw new MacAddressInUse(networkId, 'generated')
  }

  private async insert(trx: Executor, context: RequestContext, input: PortCreate): Promise<string> {
    const network = await this.networks.visible(trx, context, input.network_id)
    authorize(
      context,
      'create_port',
      portTarget(input, network),
      attributesSetOnCreate('port', input),
    )
    const mac = await this.uniqueMac(trx, input.network_id, input.mac_address)
    const subnets = await ipamSubnetsOf(trx, input.network_id)
    const fixedIps = await addressesForPort(trx, {
      networkId: input.network_id,
      subnets,
      requested: input.fixed_ips,
      mac,
      deviceOwner: input.device_owner,
      strategy: input.device_owner === DEVICE_OWNER_DHCP ? 'lowest' : 'random',
    })
    const id = randomUUID()
    const standardAttrId = await insertStandardAttributes(trx, this.handle.traits, {
      resourceType: 'ports',
      description: input.description,
      now: utcNow(),
    })
    await portsTable.insertPort(
      trx,
      {
        id,
        project_id: input.project_id,
        name: input.name,
        network_id: input.network_id,
        mac_address: mac,
        admin_state_up: fromBool(input.admin_state_up),
        status: 'DOWN',
        device_id: input.device_id,
        device_owner: input.device_owner,
        ip_allocation: 'immediate',
        standard_attr_id: standardAttrId,
      },
      input['binding:host_id'] ?? '',
    )
    await insertAllocations(
      trx,
      fixedIps.map((f) => ({ ...f, port_id: id, network_id: input.network_id })),
    )
    await mergeExtraDhcpOpts(trx, id, [], input.extra_dhcp_opts ?? [])
    if (input.tags && input.tags.length > 0) await replaceTags(trx, standardAttrId, input.tags)
    return id
  }

  /** Changes a port. */
  async update(
    context: RequestContext,
    portId: string,
    input: PortUpdate,
    expectedRevision?: number,
  ): Promise<Port> {
    const { port, original } = await inTransaction(this.handle, async (trx) => {
      const row = await this.visible(trx, context, portId)
      checkRevision(row.revision_number, expectedRevision)
      const network = await this.networks.visible(trx, context, row.network_id)
      authorize(context, 'update_port', { ...portTarget(row, network), ...input }, input)
      const current = (await this.views(trx, [row]))[0]
      if (!current) throw new PortNotFound(portId)
      let mac = current.mac_address
      if (input.mac_address !== undefined && input.mac_address !== mac) {
        if (await portsTable.isMacInUse(trx, row.network_id, input.mac_address, portId)) {
          throw new MacAddressInUse(row.network_id, input.mac_address)
        }
        mac = input.mac_address
      }
      if (input.fixed_ips !== undefined)
        await this.replaceFixedIps(
          trx,
          current,
          input.fixed_ips,
          mac,
          input.device_owner ?? row.device_owner,
        )
      await portsTable.updatePort(trx, portId, {
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.admin_state_up === undefined
          ? {}
          : { admin_state_up: fromBool(input.admin_state_up) }),
        ...(input.mac_address === undefined ? {} : { mac_address: mac }),
        ...(input.device_id === undefined ? {} : { device_id: input.device_id }),
        ...(input.device_owner === undefined ? {} : { device_owner: input.device_owner }),
      })
      if (input['binding:host_id'] !== undefined)
        await portsTable.updatePortHost(trx, portId, input['binding:host_id'])
      if (input.extra_dhcp_opts !== undefined) {
        const existing = (await extraDhcpOptsByPort(trx, [portId])).get(portId) ?? []
        await mergeExtraDhcpOpts(trx, portId, existing, input.extra_dhcp_opts)
      }
      await bumpRevision(trx, Number(row.standard_attr_id), {
        now: utcNow(),
        description: input.description,
      })
      return { port: await this.show(trx, context, portId), original: current }
    })
    await this.events.publish({ type: 'port.update', port, original })
    return port
  }

  /** Replaces a port's fixed IPs: kept ones stay, missing ones are released, new ones allocated. */
  private async replaceFixedIps(
    trx: Executor,
    port: Port,
    requested: readonly FixedIpRequest[],
    mac: string,
    deviceOwner: string,
  ): Promise<void> {
    const subnets = await ipamSubnetsOf(trx, port.network_id)
    const { keep, wanted, unclaimed } = claimHeldAddresses(port.fixed_ips, requested)
    const autoSubnets = new Set(subnets.filter((s) => isAuto(s)).map((s) => s.id))
    const retainedAuto = unclaimed.filter((f) => autoSubnets.has(f.subnet_id))
    const release = unclaimed.filter((f) => !autoSubnets.has(f.subnet_id))
    await deleteAllocations(trx, port.id, release)
    const fresh = await addressesForPort(trx, {
      networkId: port.network_id,
      subnets,
      requested: wanted,
      keep: [...keep, ...retainedAuto],
      mac,
      deviceOwner,
      strategy: deviceOwner === DEVICE_OWNER_DHCP ? 'lowest' : 'random',
    })
    await insertAllocations(
      trx,
      fresh.map((f) => ({ ...f, port_id: port.id, network_id: port.network_id })),
    )
  }

  /** Deletes a port and releases its addresses. */
  async delete(context: RequestContext, portId: string, expectedRevision?: number): Promise<void> {
    const deleted = await inTransaction(this.handle, async (trx) => {
      const { row, network } = await this.visibleWithNetwork(trx, context, portId)
      authorize(context, 'delete_port', portTarget(row, network))
      checkRevision(row.revision_number, expectedRevision)
      const held = (await allocationsByPort(trx, [portId])).get(portId) ?? []
      await portsTable.deletePort(trx, portId)
      await deleteStandardAttributes(trx, Number(row.standard_attr_id))
      const fixedIps = held.map((a) => ({ subnet_id: a.subnet_id, ip_address: a.ip_address }))
      return { id: portId, network_id: row.network_id, fixed_ips: fixedIps }
    })
    await this.events.publish({ type: 'port.delete', port: deleted })
  }
}

/** A port's policy target: its attributes (`binding:host_id` as the view names it) and its network's. */
function portTarget(
  port: object & { project_id?: string | null; host?: string | null },
  network: NetworkFacts | undefined,
): PolicyTarget {
  const target: Record<string, unknown> = { ...port, tenant_id: port.project_id ?? null }
  if (port.host !== undefined) target['binding:host_id'] = port.host ?? ''
  return Object.assign(target, networkFields(network))
}

/**
 * Matches requested fixed IPs with those a port holds, as Neutron's update does: an address
 * named again is kept, and a subnet named without an address keeps the port's address there.
 */
function claimHeldAddresses(held: readonly FixedIp[], requested: readonly FixedIpRequest[]) {
  const unclaimed = [...held]
  const keep: FixedIp[] = []
  const wanted: FixedIpRequest[] = []
  const addressesFirst = [
    ...requested.filter((f) => f.ip_address !== undefined),
    ...requested.filter((f) => f.ip_address === undefined),
  ]
  for (const f of addressesFirst) {
    const index = unclaimed.findIndex((h) =>
      f.ip_address === undefined
        ? h.subnet_id === f.subnet_id
        : h.ip_address === f.ip_address && (f.subnet_id ?? h.subnet_id) === h.subnet_id,
    )
    if (index < 0) wanted.push(f)
    else keep.push(...unclaimed.splice(index, 1))
  }
  return { keep, wanted, unclaimed }
}

function isAuto(subnet: {
  cidr: { version: number }
  ipv6AddressMode: string | null
  ipv6RaMode: string | null
}): boolean {
  if (subnet.cidr.version !== 6) return false
  const mode = subnet.ipv6AddressMode ?? subnet.ipv6RaMode
  return mode === 'slaac' || mode === 'dhcpv6-stateless'
}
