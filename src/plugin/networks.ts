import { randomUUID } from 'node:crypto'
import { sql, type Expression, type SqlBool } from 'kysely'
import { isAdminOrOwner, type RequestContext } from '../common/context.js'
import { NetworkInUse, NetworkNotFound } from '../common/errors.js'
import {
  attributesSetOnCreate,
  authorize,
  filterAuthorized,
  isAuthorized,
} from '../common/policy/index.js'
import { AUTO_DELETE_PORT_OWNERS, type Network } from '../common/resources.js'
import type { DatabaseHandle } from '../db/database.js'
import { fromBool, toBool, type Executor } from '../db/schema.js'
import * as networksTable from '../db/tables/networks.js'
import { countPortsExceptOwners } from '../db/tables/ports.js'
import { bumpRevision, insertStandardAttributes, utcNow } from '../db/tables/standard-attributes.js'
import { subnetIdsByNetwork } from '../db/tables/subnets.js'
import { replaceTags, tagsByResource } from '../db/tables/tags.js'
import { noopEventSink, publishAll, type ResourceEventSink } from '../notifier/resource-events.js'
import { listPage, type ListQuery, type ListableResource } from './list-spec.js'
import { deleteNetworkCascade } from './network-cascade.js'
import type { PluginOptions } from './plugin-options.js'
import { networkTarget, resourceTarget, viewTarget } from './policy-targets.js'
import { checkRevision } from './revision.js'
import { inTransaction } from './transaction.js'
import { standardView } from './views.js'

/** Attributes a caller may give when creating a network (validated by the API). */
export interface NetworkCreate {
  name: string
  admin_state_up: boolean
  shared?: boolean
  project_id: string
  mtu?: number
  availability_zone_hints: string[]
  description: string
  tags?: string[]
}

/** Attributes a caller may change on a network. */
export type NetworkUpdate = Partial<
  Pick<NetworkCreate, 'name' | 'admin_state_up' | 'shared' | 'mtu' | 'description'>
>

const listable: ListableResource = {
  columns: networksTable.networkColumns,
  kinds: { admin_state_up: 'bool', shared: 'bool', mtu: 'int', revision_number: 'int' },
  special: [
    'subnets',
    'router:external',
    'tags',
    'availability_zone_hints',
    'port_security_enabled',
  ],
  idColumn: 'networks.id',
}

/** The database scope of a caller's networks (Neutron's model query): its own and shared ones. */
export function networkVisibleTo(context: RequestContext): Expression<SqlBool> | undefined {
  if (context.isAdmin) return undefined
  return sql<SqlBool>`(networks.project_id = ${context.projectId ?? ''} or networks.shared = ${1})`
}

/**
 * Networks: the core plugin's part for `/v2.0/networks`. Each committed change is published to
 * `events` after its transaction, never for a rolled-back one.
 */
export class NetworkService {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly options: PluginOptions,
    private readonly events: ResourceEventSink = noopEventSink,
  ) {}

  /** Builds API views of network rows. */
  async views(db: Executor, rows: readonly networksTable.NetworkRow[]): Promise<Network[]> {
    const subnets = await subnetIdsByNetwork(
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
      admin_state_up: toBool(row.admin_state_up),
      status: row.status ?? 'ACTIVE',
      subnets: subnets.get(row.id) ?? [],
      shared: toBool(row.shared),
      mtu: Number(row.mtu),
      availability_zone_hints: row.availability_zone_hints
        ? (JSON.parse(row.availability_zone_hints) as string[])
        : [],
      availability_zones: [],
      'router:external': false,
      port_security_enabled: true,
      ipv4_address_scope: null,
      ipv6_address_scope: null,
      l2_adjacency: true,
      ...standardView(row, tags.get(Number(row.standard_attr_id))),
    }))
  }

  /** Finds a network the caller may see (its scope and `get_network`), or throws NetworkNotFound. */
  async visible(
    db: Executor,
    context: RequestContext,
    networkId: string,
  ): Promise<networksTable.NetworkRow> {
    const row = await networksTable.findNetwork(db, networkId)
    if (!row || !isVisible(context, row)) throw new NetworkNotFound(networkId)
    return row
  }

  /** Creates a network. */
  async create(context: RequestContext, input: NetworkCreate): Promise<Network> {
    authorizeCreate(context, input)
    const network = await inTransaction(this.handle, async (trx) => {
      const id = await this.insert(trx, input)
      return this.show(trx, context, id)
    })
    await this.events.publish({ type: 'network.create', network })
    return network
  }

  /** Creates several networks in one transaction (bulk POST). */
  async createBulk(context: RequestContext, inputs: readonly NetworkCreate[]): Promise<Network[]> {
    for (const input of inputs) authorizeCreate(context, input)
    const networks = await inTransaction(this.handle, async (trx) => {
      const ids: string[] = []
      for (const input of inputs) ids.push(await this.insert(trx, input))
      const rows = await networksTable.listNetworks(trx, {
        filters: [{ column: 'networks.id', values: ids }],
        sorts: [],
      })
      const views = await this.views(trx, rows)
      return ids
        .map((id) => views.find((v) => v.id === id))
        .filter((v): v is Network => v !== undefined)
    })
    const events = networks.map((network) => ({ type: 'network.create' as const, network }))
    await publishAll(this.events, events)
    return networks
  }

  private async insert(trx: Executor, input: NetworkCreate): Promise<string> {
    const id = randomUUID()
    const now = utcNow()
    const standardAttrId = await insertStandardAttributes(trx, this.handle.traits, {
      resourceType: 'networks',
      description: input.description,
      now,
    })
    await networksTable.insertNetwork(trx, {
      id,
      project_id: input.project_id,
      name: input.name,
      status: 'ACTIVE',
      admin_state_up: fromBool(input.admin_state_up),
      shared: fromBool(input.shared ?? false),
      mtu: input.mtu ?? this.options.globalPhysnetMtu,
      availability_zone_hints: JSON.stringify(input.availability_zone_hints),
      standard_attr_id: standardAttrId,
    })
    if (input.tags && input.tags.length > 0) await replaceTags(trx, standardAttrId, input.tags)
    return id
  }

  /** One network as the caller sees it. */
  async show(db: Executor, context: RequestContext, networkId: string): Promise<Network> {
    const row = await this.visible(db, context, networkId)
    const [view] = await this.views(db, [row])
    if (!view) throw new NetworkNotFound(networkId)
    return view
  }

  /** One network, read outside any transaction. */
  async get(context: RequestContext, networkId: string): Promise<Network> {
    return this.show(this.handle.db, context, networkId)
  }

  /** Networks the caller may see, filtered, sorted and paged. */
  async list(context: RequestContext, query: ListQuery): Promise<Network[]> {
    const db = this.handle.db
    const visibility = networkVisibleTo(context)
    const views = await listPage({
      query,
      resource: listable,
      conditions: visibility ? [visibility] : [],
      markerRow: (id) => this.visible(db, context, id),
      fetch: (spec) => networksTable.listNetworks(db, spec),
      views: (rows) => this.views(db, rows),
    })
    // A view has `tenant_id` and a boolean `shared` already.
    return filterAuthorized(context, 'get_network', filterSpecial(views, query), (v) =>
      viewTarget(v, undefined),
    )
  }

  /** Changes a network, as `update_network` (and `update_network:shared`, ...) allow. */
  async update(
    context: RequestContext,
    networkId: string,
    input: NetworkUpdate,
    expectedRevision?: number,
  ): Promise<Network> {
    const { network, original } = await inTransaction(this.handle, async (trx) => {
      const row = await this.lockVisible(trx, context, networkId)
      authorize(context, 'update_network', { ...networkTarget(row), ...input }, input)
      checkRevision(row.revision_number, expectedRevision)
      const [before] = await this.views(trx, [row])
      if (!before) throw new NetworkNotFound(networkId)
      await networksTable.updateNetwork(trx, networkId, {
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.admin_state_up === undefined
          ? {}
          : { admin_state_up: fromBool(input.admin_state_up) }),
        ...(input.shared === undefined ? {} : { shared: fromBool(input.shared) }),
        ...(input.mtu === undefined ? {} : { mtu: input.mtu }),
      })
      await bumpRevision(trx, Number(row.standard_attr_id), {
        now: utcNow(),
        description: input.description,
      })
      return { network: await this.show(trx, context, networkId), original: before }
    })
    await this.events.publish({ type: 'network.update', network, original })
    return network
  }

  /** Deletes a network; its DHCP and other auto-deleted ports go with it. */
  async delete(
    context: RequestContext,
    networkId: string,
    expectedRevision?: number,
  ): Promise<void> {
    const events = await inTransaction(this.handle, async (trx) => {
      const row = await this.lockVisible(trx, context, networkId)
      authorize(context, 'delete_network', networkTarget(row))
      checkRevision(row.revision_number, expectedRevision)
      if ((await countPortsExceptOwners(trx, networkId, AUTO_DELETE_PORT_OWNERS)) > 0) {
        throw new NetworkInUse(networkId)
      }
      return deleteNetworkCascade(trx, row)
    })
    // As in Neutron, the ports' and subnets' deletes are told before the network's.
    await publishAll(this.events, events)
  }

  /** Whether a network has at least one port and one subnet (read outside any transaction). */
  async hasPortsAndSubnets(networkId: string): Promise<boolean> {
    const db = this.handle.db
    const port = await db
      .selectFrom('ports')
      .select('id')
      .where('network_id', '=', networkId)
      .limit(1)
      .executeTakeFirst()
    if (!port) return false
    return ((await subnetIdsByNetwork(db, [networkId])).get(networkId) ?? []).length > 0
  }

  /**
   * A network the caller may see, locked for the transaction; 404 when hidden. What the caller
   * may do with it (403) is the policy's to say.
   */
  async lockVisible(
    db: Executor,
    context: RequestContext,
    networkId: string,
  ): Promise<networksTable.NetworkRow> {
    const row = await networksTable.lockNetwork(db, networkId, this.handle.traits.supportsRowLocks)
    if (!row || !isVisible(context, row)) throw new NetworkNotFound(networkId)
    return row
  }
}

/** Whether the caller sees a network: in its scope, and `get_network` allows it. */
function isVisible(context: RequestContext, row: networksTable.NetworkRow): boolean {
  const inScope = isAdminOrOwner(context, row.project_id) || toBool(row.shared)
  return inScope && isAuthorized(context, 'get_network', networkTarget(row))
}

/** `create_network` and the rules of the attributes it sets (`create_network:shared`). */
function authorizeCreate(context: RequestContext, input: NetworkCreate): void {
  const target = { ...resourceTarget(input), shared: input.shared ?? false }
  authorize(context, 'create_network', target, attributesSetOnCreate('network', input))
}

/** Filters on attributes that are not plain columns, applied to the views. */
function filterSpecial(views: Network[], query: ListQuery): Network[] {
  const routerExternal = query.filters.get('router:external')
  const subnets = query.filters.get('subnets')
  return views.filter((v) => {
    if (
      routerExternal &&
      !routerExternal.some((x) => String(v['router:external']) === x.toLowerCase())
    )
      return false
    if (subnets && !subnets.some((s) => v.subnets.includes(s))) return false
    return true
  })
}
