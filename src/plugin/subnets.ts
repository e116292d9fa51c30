import { randomUUID } from 'node:crypto'
import { sql, type Expression, type SqlBool } from 'kysely'
import { isAdminOrOwner, type RequestContext } from '../common/context.js'
import { GatewayIpInUse, SubnetInUse, SubnetNotFound } from '../common/errors.js'
import {
  attributesSetOnCreate,
  authorize,
  filterAuthorized,
  isAuthorized,
  type PolicyTarget,
} from '../common/policy/index.js'
import { eui64Address } from '../common/net/mac.js'
import { formatIp, ipFromValue, parseIp } from '../common/net/ip.js'
import {
  AUTO_DELETE_PORT_OWNERS,
  ROUTER_INTERFACE_OWNERS,
  type AllocationPool,
  type HostRoute,
  type Ipv6Mode,
  type Subnet,
} from '../common/resources.js'
import type { DatabaseHandle } from '../db/database.js'
import { fromBool, toBool, type Executor } from '../db/schema.js'
import { insertAllocations } from '../db/tables/ip-allocations.js'
import {
  bumpRevision,
  deleteStandardAttributes,
  insertStandardAttributes,
  utcNow,
} from '../db/tables/standard-attributes.js'
import * as details from '../db/tables/subnet-details.js'
import * as subnetsTable from '../db/tables/subnets.js'
import { replaceTags, tagsByResource } from '../db/tables/tags.js'
import { noopEventSink, publishAll, type ResourceEventSink } from '../notifier/resource-events.js'
import {
  checkGatewayOutsidePools,
  defaultPools,
  formatPool,
  validatePools,
  type IpRange,
} from './ipam/pools.js'
import { listPage, type ListQuery, type ListableResource } from './list-spec.js'
import type { NetworkService } from './networks.js'
import type { PluginOptions } from './plugin-options.js'
import {
  networkFactsOf,
  networkFields,
  resourceTarget,
  viewTarget,
  type NetworkFacts,
} from './policy-targets.js'
import { checkRevision } from './revision.js'
import * as rules from './subnet-rules.js'
import { inTransaction } from './transaction.js'
import { standardView } from './views.js'

/** Attributes of a new subnet (validated by the API; `gateway_ip` undefined means default). */
export interface SubnetCreate {
  network_id: string
  ip_version: 4 | 6
  cidr: string
  gateway_ip?: string | null
  allocation_pools?: AllocationPool[]
  dns_nameservers: string[]
  host_routes: HostRoute[]
  enable_dhcp: boolean
  ipv6_ra_mode: Ipv6Mode | null
  ipv6_address_mode: Ipv6Mode | null
  name: string
  description: string
  project_id: string
  segment_id?: string | null
  tags?: string[]
}

/** Attributes a caller may change on a subnet. */
export type SubnetUpdate = Partial<
  Pick<
    SubnetCreate,
    | 'name'
    | 'description'
    | 'gateway_ip'
    | 'allocation_pools'
    | 'dns_nameservers'
    | 'host_routes'
    | 'enable_dhcp'
  >
>

const listable: ListableResource = {
  columns: subnetsTable.subnetColumns,
  kinds: { ip_version: 'int', enable_dhcp: 'bool', revision_number: 'int' },
  special: ['tags', 'dns_nameservers', 'host_routes', 'allocation_pools', 'service_types'],
  idColumn: 'subnets.id',
}

/** The database scope of a caller's subnets: its own, and those on shared networks. */
function subnetVisibleTo(context: RequestContext): Expression<SqlBool> | undefined {
  if (context.isAdmin) return undefined
  return sql<SqlBool>`(subnets.project_id = ${context.projectId ?? ''} or exists (select 1 from networks where networks.id = subnets.network_id and networks.shared = ${1}))`
}

/**
 * Subnets: the core plugin's part for `/v2.0/subnets`. Each committed change is published to
 * `events` after its transaction, never for a rolled-back one.
 */
export class SubnetService {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly options: PluginOptions,
    private readonly networks: NetworkService,
    private readonly events: ResourceEventSink = noopEventSink,
  ) {}

  /** Builds API views of subnet rows. */
  async views(db: Executor, rows: readonly subnetsTable.SubnetRow[]): Promise<Subnet[]> {
    const more = await details.subnetDetails(
      db,
      rows.map((r) => r.id),
    )
    const tags = await tagsByResource(
      db,
      rows.map((r) => Number(r.standard_attr_id)),
    )
    return rows.map((row) => ({
      id: row.id,
      name: row.name ?? '',
      project_id: row.project_id ?? '',
      tenant_id: row.project_id ?? '',
      network_id: row.network_id,
      ip_version: Number(row.ip_version) === 6 ? 6 : 4,
      cidr: row.cidr,
      gateway_ip: row.gateway_ip,
      allocation_pools: (more.pools.get(row.id) ?? []).sort(byFirstAddress).map((p) => ({
        start: p.first_ip,
        end: p.last_ip,
      })),
      dns_nameservers: more.dns.get(row.id) ?? [],
      host_routes: (more.routes.get(row.id) ?? []).map((r) => ({
        destination: r.destination,
        nexthop: r.nexthop,
      })),
      enable_dhcp: toBool(row.enable_dhcp),
      ipv6_ra_mode: row.ipv6_ra_mode as Ipv6Mode | null,
      ipv6_address_mode: row.ipv6_address_mode as Ipv6Mode | null,
      subnetpool_id: row.subnetpool_id,
      segment_id: row.segment_id,
      service_types: [],
      ...standardView(row, tags.get(Number(row.standard_attr_id))),
    }))
  }

  /** A subnet the caller may see (its scope and `get_subnet`), or SubnetNotFound. */
  private async visible(
    db: Executor,
    context: RequestContext,
    subnetId: string,
  ): Promise<subnetsTable.SubnetRow> {
    const row = await subnetsTable.findSubnet(db, subnetId)
    if (!row) throw new SubnetNotFound(subnetId)
    const network = (await networkFactsOf(db, [row.network_id])).get(row.network_id)
    const inScope =
      isAdminOrOwner(context, row.project_id) || (network !== undefined && toBool(network.shared))
    if (inScope && isAuthorized(context, 'get_subnet', subnetTarget(row, network))) return row
    throw new SubnetNotFound(subnetId)
  }

  /** One subnet as the caller sees it. */
  async show(db: Executor, context: RequestContext, subnetId: string): Promise<Subnet> {
    const [view] = await this.views(db, [await this.visible(db, context, subnetId)])
    if (!view) throw new SubnetNotFound(subnetId)
    return view
  }

  /** One subnet, read outside any transaction. */
  async get(context: RequestContext, subnetId: string): Promise<Subnet> {
    return this.show(this.handle.db, context, subnetId)
  }

  /** Subnets the caller may see, filtered, sorted and paged. */
  async list(context: RequestContext, query: ListQuery): Promise<Subnet[]> {
    const db = this.handle.db
    const visibility = subnetVisibleTo(context)
    const subnets = await listPage({
      query,
      resource: listable,
      conditions: visibility ? [visibility] : [],
      markerRow: (id) => this.visible(db, context, id),
      fetch: (spec) => subnetsTable.listSubnets(db, spec),
      views: (rows) => this.views(db, rows),
    })
    const networks = await networkFactsOf(
      db,
      subnets.map((s) => s.network_id),
    )
    return filterAuthorized(context, 'get_subnet', subnets, (s) =>
      viewTarget(s, networks.get(s.network_id)),
    )
  }

  /** Creates subnets in one transaction (one for a single POST, several for bulk). */
  async create(context: RequestContext, inputs: readonly SubnetCreate[]): Promise<Subnet[]> {
    const subnets = await inTransaction(this.handle, async (trx) => {
      const ids: string[] = []
      for (const input of inputs) ids.push(await this.insert(trx, context, input))
      const out: Subnet[] = []
      for (const id of ids) out.push(await this.show(trx, context, id))
      return out
    })
    const events = subnets.map((subnet) => ({ type: 'subnet.create' as const, subnet }))
    await publishAll(this.events, events)
    return subnets
  }

  private async insert(
    trx: Executor,
    context: RequestContext,
    input: SubnetCreate,
  ): Promise<string> {
    const network = await this.networks.lockVisible(trx, context, input.network_id)
    authorize(
      context,
      'create_subnet',
      subnetTarget(input, network),
      attributesSetOnCreate('subnet', input),
    )
    const id = randomUUID()
    const cidr = rules.mustParseCidr(input.cidr)
    rules.checkCidrVersion(cidr, input.ip_version)
    if (input.enable_dhcp) rules.checkDhcpCidr(cidr)
    rules.checkIpv6Modes({
      ipVersion: input.ip_version,
      cidr,
      enableDhcp: input.enable_dhcp,
      raMode: input.ipv6_ra_mode,
      addressMode: input.ipv6_address_mode,
    })
    const gateway =
      input.gateway_ip === undefined
        ? rules.defaultGateway(cidr)
        : input.gateway_ip === null
          ? null
          : rules.checkGateway(cidr, input.gateway_ip)
    rules.checkDnsNameservers(
      id,
      input.ip_version,
      input.dns_nameservers,
      this.options.maxDnsNameservers,
    )
    rules.checkHostRoutes(id, input.ip_version, input.host_routes, this.options.maxSubnetHostRoutes)
    const siblings = await subnetsTable.subnetsOfNetworks(trx, [input.network_id])
    rules.checkNoOverlap(
      input.network_id,
      cidr,
      siblings.map((s) => s.cidr),
    )
    let pools: IpRange[]
    if (input.allocation_pools === undefined) {
      pools = defaultPools(cidr, gateway)
    } else {
      pools = validatePools(cidr, input.allocation_pools)
      checkGatewayOutsidePools(cidr, gateway, pools)
    }
    const now = utcNow()
    const standardAttrId = await insertStandardAttributes(trx, this.handle.traits, {
      resourceType: 'subnets',
      description: input.description,
      now,
    })
    const canonical = `${formatIp(ipFromValue(cidr.version, cidr.network))}/${cidr.prefixlen}`
    await subnetsTable.insertSubnet(trx, {
      id,
      project_id: input.project_id,
      name: input.name,
      network_id: input.network_id,
      ip_version: input.ip_version,
      cidr: canonical,
      gateway_ip: gateway === null ? null : formatIp(ipFromValue(cidr.version, gateway)),
      enable_dhcp: fromBool(input.enable_dhcp),
      ipv6_ra_mode: input.ipv6_ra_mode,
      ipv6_address_mode: input.ipv6_address_mode,
      subnetpool_id: null,
      segment_id: input.segment_id ?? null,
      standard_attr_id: standardAttrId,
    })
    await details.replacePools(
      trx,
      id,
      pools.map((r) => ({ id: randomUUID(), ...poolRow(formatPool(cidr, r)) })),
    )
    await details.replaceDnsNameservers(trx, id, input.dns_nameservers)
    await details.replaceRoutes(trx, id, input.host_routes)
    if (input.tags && input.tags.length > 0) await replaceTags(trx, standardAttrId, input.tags)
    if (
      rules.isAutoAddressMode(input.ipv6_address_mode) ||
      (input.ipv6_address_mode === null && rules.isAutoAddressMode(input.ipv6_ra_mode))
    ) {
      await this.addAutoAddresses(trx, id, input.network_id, cidr)
    }
    await bumpRevision(trx, Number(network.standard_attr_id), { now })
    return id
  }

  /** Gives every existing (non-router) port of the network its EUI-64 address on a new SLAAC subnet. */
  private async addAutoAddresses(
    trx: Executor,
    subnetId: string,
    networkId: string,
    cidr: ReturnType<typeof rules.mustParseCidr>,
  ): Promise<void> {
    const ports = await trx
      .selectFrom('ports')
      .select(['id', 'mac_address'])
      .where('network_id', '=', networkId)
      .where('device_owner', 'not in', [...ROUTER_INTERFACE_OWNERS, 'network:router_gateway'])
      .execute()
    await insertAllocations(
      trx,
      ports.map((p) => ({
        port_id: p.id,
        ip_address: formatIp(eui64Address(cidr, p.mac_address)),
        subnet_id: subnetId,
        network_id: networkId,
      })),
    )
  }

  /** Changes a subnet. */
  async update(
    context: RequestContext,
    subnetId: string,
    input: SubnetUpdate,
    expectedRevision?: number,
  ): Promise<Subnet> {
    const { subnet, original } = await inTransaction(this.handle, async (trx) => {
      const row = await this.visible(trx, context, subnetId)
      const network = await this.networks.lockVisible(trx, context, row.network_id)
      authorize(context, 'update_subnet', { ...subnetTarget(row, network), ...input }, input)
      checkRevision(row.revision_number, expectedRevision)
      const current = (await this.views(trx, [row]))[0]
      if (!current) throw new SubnetNotFound(subnetId)
      await this.applyUpdate(trx, row, current, input)
      await bumpRevision(trx, Number(row.standard_attr_id), {
        now: utcNow(),
        description: input.description,
      })
      return { subnet: await this.show(trx, context, subnetId), original: current }
    })
    await this.events.publish({ type: 'subnet.update', subnet, original })
    return subnet
  }

  private async applyUpdate(
    trx: Executor,
    row: subnetsTable.SubnetRow,
    current: Subnet,
    input: SubnetUpdate,
  ): Promise<void> {
    const cidr = rules.mustParseCidr(row.cidr)
    const enableDhcp = input.enable_dhcp ?? current.enable_dhcp
    if (input.enable_dhcp === true && !current.enable_dhcp) rules.checkDhcpCidr(cidr)
    rules.checkIpv6Modes({
      ipVersion: current.ip_version,
      cidr,
      enableDhcp,
      raMode: current.ipv6_ra_mode,
      addressMode: current.ipv6_address_mode,
    })
    let gateway = current.gateway_ip === null ? null : rules.checkGateway(cidr, current.gateway_ip)
    if (input.gateway_ip !== undefined && input.gateway_ip !== current.gateway_ip) {
      if (current.gateway_ip !== null) await this.checkGatewayFree(trx, row.id, current.gateway_ip)
      gateway = input.gateway_ip === null ? null : rules.checkGateway(cidr, input.gateway_ip)
    }
    const pools =
      input.allocation_pools === undefined
        ? validatePools(cidr, current.allocation_pools)
        : validatePools(cidr, input.allocation_pools)
    checkGatewayOutsidePools(cidr, gateway, pools)
    if (input.dns_nameservers !== undefined) {
      rules.checkDnsNameservers(
        row.id,
        current.ip_version,
        input.dns_nameservers,
        this.options.maxDnsNameservers,
      )
      await details.replaceDnsNameservers(trx, row.id, input.dns_nameservers)
    }
    if (input.host_routes !== undefined) {
      rules.checkHostRoutes(
        row.id,
        current.ip_version,
        input.host_routes,
        this.options.maxSubnetHostRoutes,
      )
      await details.replaceRoutes(trx, row.id, input.host_routes)
    }
    if (input.allocation_pools !== undefined) {
      await details.replacePools(
        trx,
        row.id,
        pools.map((r) => ({ id: randomUUID(), ...poolRow(formatPool(cidr, r)) })),
      )
    }
    await subnetsTable.updateSubnet(trx, row.id, {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.enable_dhcp === undefined ? {} : { enable_dhcp: fromBool(input.enable_dhcp) }),
      ...(input.gateway_ip === undefined
        ? {}
        : { gateway_ip: gateway === null ? null : formatIp(ipFromValue(cidr.version, gateway)) }),
    })
  }

  private async checkGatewayFree(
    trx: Executor,
    subnetId: string,
    gatewayIp: string,
  ): Promise<void> {
    const holder = await trx
      .selectFrom('ipallocations')
      .innerJoin('ports', 'ports.id', 'ipallocations.port_id')
      .select('ports.id')
      .where('ipallocations.subnet_id', '=', subnetId)
      .where('ipallocations.ip_address', '=', gatewayIp)
      .where('ports.device_owner', 'in', [...ROUTER_INTERFACE_OWNERS, 'network:router_gateway'])
      .executeTakeFirst()
    if (holder) throw new GatewayIpInUse(gatewayIp)
  }

  /** Deletes a subnet; 409 while ordinary ports hold addresses on it. */
  async delete(
    context: RequestContext,
    subnetId: string,
    expectedRevision?: number,
  ): Promise<void> {
    const deleted = await inTransaction(this.handle, async (trx) => {
      const row = await this.visible(trx, context, subnetId)
      const network = await this.networks.lockVisible(trx, context, row.network_id)
      authorize(context, 'delete_subnet', subnetTarget(row, network))
      checkRevision(row.revision_number, expectedRevision)
      const auto = rules.isAutoAddressMode(row.ipv6_address_mode as Ipv6Mode | null)
      const holders = await trx
        .selectFrom('ipallocations')
        .innerJoin('ports', 'ports.id', 'ipallocations.port_id')
        .select('ports.device_owner')
        .where('ipallocations.subnet_id', '=', subnetId)
        .execute()
      if (!auto && holders.some((h) => !AUTO_DELETE_PORT_OWNERS.includes(h.device_owner))) {
        throw new SubnetInUse(subnetId)
      }
      await trx.deleteFrom('ipallocations').where('subnet_id', '=', subnetId).execute()
      await subnetsTable.deleteSubnet(trx, subnetId)
      await deleteStandardAttributes(trx, Number(row.standard_attr_id))
      await bumpRevision(trx, Number(network.standard_attr_id), { now: utcNow() })
      return { id: row.id, network_id: row.network_id }
    })
    await this.events.publish({ type: 'subnet.delete', subnet: deleted })
  }
}

/** A subnet's policy target: its attributes and its network's owner and `shared` flag. */
function subnetTarget(
  subnet: object & { project_id?: string | null },
  network: NetworkFacts | undefined,
): PolicyTarget {
  return Object.assign(resourceTarget(subnet), networkFields(network))
}

/** Orders pools by their first address, so that every engine lists them alike. */
function byFirstAddress(a: { first_ip: string }, b: { first_ip: string }): number {
  const x = parseIp(a.first_ip)?.value ?? 0n
  const y = parseIp(b.first_ip)?.value ?? 0n
  return x < y ? -1 : x > y ? 1 : 0
}

function poolRow(pool: AllocationPool): { first_ip: string; last_ip: string } {
  return { first_ip: pool.start, last_ip: pool.end }
}
