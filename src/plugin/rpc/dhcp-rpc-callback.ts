import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { DEVICE_ID_RESERVED_DHCP_PORT, dhcpAgentDeviceId } from '../../common/dhcp-port.js'
import {
  InvalidInput,
  IpAddressGenerationFailure,
  NetworkNotFound,
  PortNotFound,
  SubnetNotFound,
} from '../../common/errors.js'
import type { Port } from '../../common/resources.js'
import type { DatabaseHandle } from '../../db/database.js'
import { toBool, type Database } from '../../db/schema.js'
import { findAgentByTypeAndHost } from '../../db/tables/agents.js'
import { hostingAgentsOfNetwork } from '../../db/tables/dhcp-agent-bindings.js'
import { findNetwork } from '../../db/tables/networks.js'
import { findPort, listPorts } from '../../db/tables/ports.js'
import { findSubnet } from '../../db/tables/subnets.js'
import type { RpcArgs, RpcContext, RpcEndpoint } from '../../rpc/types.js'
import { AGENT_TYPE_DHCP } from '../agents.js'
import type { CorePlugin } from '../core-plugin.js'
import { dhcpPortCreateFrom, dhcpPortUpdateFrom } from './dhcp-port-requests.js'
import {
  activeNetworksInfo,
  networkInfo,
  type ActiveNetworkInfo,
  type NetworkInfo,
} from './network-info.js'
import { completeDhcpProvisioning } from './provisioning.js'
import {
  isObject,
  objectArg,
  optionalBoolArg,
  rpcRequestContext,
  stringArg,
  stringListArg,
  type JsonObject,
} from './rpc-args.js'

/**
 * The endpoint DHCP agents call on topic `q-plugin` (Neutron's DhcpRpcCallback). Versions:
 * 1.0 get_network_info, create/update/release_dhcp_port; 1.1 get_active_networks_info and
 * the create/update port payload; 1.5 dhcp_ready_on_ports; 1.7 get_networks; 1.8 get_dhcp_port;
 * 1.9 get_network_info returns only DHCP-enabled subnets; 1.10 segments (none here).
 */
export const DHCP_RPC_VERSION = '1.10'

/** What the endpoint needs. */
export interface DhcpRpcCallbackDeps {
  readonly handle: DatabaseHandle
  readonly plugin: CorePlugin
  /** `enable_services_on_agents_with_admin_state_down`. */
  readonly enableServicesOnAgentsWithAdminStateDown: boolean
  readonly log: Logger
  /** Binds unhosted networks to the host's agent before a full sync (spec §6.3); optional. */
  readonly autoSchedule?: (host: string) => Promise<void>
}

/** The `port` argument's inner dict (`port={'port': {...}}`). */
function portBody(args: RpcArgs): JsonObject {
  return objectArg(objectArg(args, 'port'), 'port')
}

function firstSubnetId(body: JsonObject): string | undefined {
  const fixedIps = body['fixed_ips']
  if (!Array.isArray(fixedIps)) return undefined
  const first: unknown = fixedIps[0]
  return isObject(first) && typeof first['subnet_id'] === 'string' ? first['subnet_id'] : undefined
}

/** The handlers of the `q-plugin` endpoint, one method per RPC method. */
class DhcpRpcHandlers {
  private readonly db: Kysely<Database>
  private readonly plugin: CorePlugin
  private readonly log: Logger

  constructor(private readonly deps: DhcpRpcCallbackDeps) {
    this.db = deps.handle.db
    this.plugin = deps.plugin
    this.log = deps.log
  }

  /**
   * Neutron's _port_action: failures the agent expects (the network or subnet went away, bad
   * input) answer null. IpAddressGenerationFailure does too when the requested subnet is
   * gone, and is otherwise raised so the agent sees the pool is full.
   */
  private async expectedFailure(error: unknown, body: JsonObject, action: string): Promise<null> {
    const expected =
      error instanceof NetworkNotFound ||
      error instanceof SubnetNotFound ||
      error instanceof InvalidInput
    if (error instanceof IpAddressGenerationFailure) {
      const subnetId = firstSubnetId(body)
      if (subnetId === undefined || (await findSubnet(this.db, subnetId)) !== undefined) {
        throw error
      }
    } else if (!expected) {
      throw error
    }
    this.log.warn(
      { action, network_id: body['network_id'], reason: (error as Error).message },
      'DHCP port action could not complete',
    )
    return null
  }

  async getActiveNetworksInfo(args: RpcArgs): Promise<ActiveNetworkInfo[]> {
    const host = stringArg(args, 'host')
    const dhcpOnly = optionalBoolArg(args, 'enable_dhcp_filter') ?? true
    this.log.debug({ host }, 'get_active_networks_info')
    if (this.deps.autoSchedule) await this.deps.autoSchedule(host)
    const agent = await findAgentByTypeAndHost(this.db, AGENT_TYPE_DHCP, host)
    if (!agent) {
      this.log.debug({ host }, 'no DHCP agent registered on the host')
      return []
    }
    const serves =
      toBool(agent.admin_state_up) || this.deps.enableServicesOnAgentsWithAdminStateDown
    if (!serves) return []
    return activeNetworksInfo(this.db, this.plugin, { agentId: agent.id, dhcpOnly })
  }

  async getNetworkInfo(args: RpcArgs): Promise<NetworkInfo | null> {
    return networkInfo(this.db, this.plugin, stringArg(args, 'network_id'))
  }

  async getNetworks(context: RpcContext, args: RpcArgs): Promise<object[]> {
    const filters = new Map<string, string[]>()
    const given = args['filters']
    for (const [key, value] of Object.entries(isObject(given) ? given : {})) {
      const values: unknown[] = Array.isArray(value) ? value : [value]
      filters.set(
        key,
        values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      )
    }
    const networks = await this.plugin.networks.list(rpcRequestContext(context), {
      filters,
      sorts: [],
      pageReverse: false,
    })
    const fields = Array.isArray(args['fields']) ? stringListArg(args, 'fields') : []
    if (fields.length === 0) return networks
    return networks.map((network) =>
      Object.fromEntries(Object.entries(network).filter(([key]) => fields.includes(key))),
    )
  }

  async createDhcpPort(context: RpcContext, args: RpcArgs): Promise<Port | null> {
    const host = stringArg(args, 'host')
    const body = portBody(args)
    this.log.debug({ host, network_id: body['network_id'] }, 'create_dhcp_port')
    try {
      const networkId = stringArg(body, 'network_id')
      const network = await findNetwork(this.db, networkId)
      if (!network) throw new NetworkNotFound(networkId)
      const input = dhcpPortCreateFrom(body, { host, networkProjectId: network.project_id ?? '' })
      const [port] = await this.plugin.ports.create(rpcRequestContext(context), [input])
      return port ?? null
    } catch (error) {
      return this.expectedFailure(error, body, 'create_port')
    }
  }

  async updateDhcpPort(context: RpcContext, args: RpcArgs): Promise<Port | null> {
    const host = stringArg(args, 'host')
    const portId = stringArg(args, 'port_id')
    const body = portBody(args)
    const networkId = stringArg(body, 'network_id')
    const old = await findPort(this.db, portId)
    if (!old) {
      this.log.debug({ host, port_id: portId }, 'update_dhcp_port for a port that is gone')
      return null
    }
    const ours = dhcpAgentDeviceId(networkId, host)
    if (old.device_id !== DEVICE_ID_RESERVED_DHCP_PORT && old.device_id !== ours) return null
    const hosting = await hostingAgentsOfNetwork(this.db, networkId)
    if (!hosting.some((agent) => agent.host === host)) {
      this.log.warn(
        { host, network_id: networkId },
        'the host’s DHCP agent does not host the network',
      )
      throw new NetworkNotFound(networkId)
    }
    try {
      const update = dhcpPortUpdateFrom(body, host)
      return await this.plugin.ports.update(rpcRequestContext(context), portId, update)
    } catch (error) {
      if (error instanceof PortNotFound) return null
      return this.expectedFailure(error, body, 'update_port')
    }
  }

  async releaseDhcpPort(context: RpcContext, args: RpcArgs): Promise<null> {
    const networkId = stringArg(args, 'network_id')
    const deviceId = stringArg(args, 'device_id')
    this.log.debug({ host: args['host'], network_id: networkId }, 'release_dhcp_port')
    const ports = await listPorts(this.db, {
      filters: [
        { column: 'ports.network_id', values: [networkId] },
        { column: 'ports.device_id', values: [deviceId] },
      ],
      sorts: [],
    })
    const requestContext = rpcRequestContext(context)
    for (const port of ports) {
      try {
        await this.plugin.ports.delete(requestContext, port.id)
      } catch (error) {
        if (!(error instanceof PortNotFound)) throw error
      }
    }
    return null
  }

  async getDhcpPort(context: RpcContext, args: RpcArgs): Promise<Port> {
    return this.plugin.ports.get(rpcRequestContext(context), stringArg(args, 'port_id'))
  }

  async dhcpReadyOnPorts(args: RpcArgs): Promise<null> {
    await completeDhcpProvisioning(this.deps.handle, stringListArg(args, 'port_ids'))
    return null
  }
}

/** Creates the `q-plugin` endpoint DHCP agents call. */
export function createDhcpRpcCallback(deps: DhcpRpcCallbackDeps): RpcEndpoint {
  const handlers = new DhcpRpcHandlers(deps)
  return {
    version: DHCP_RPC_VERSION,
    namespace: null,
    methods: {
      get_active_networks_info: (_context, args) => handlers.getActiveNetworksInfo(args),
      get_network_info: (_context, args) => handlers.getNetworkInfo(args),
      get_networks: (context, args) => handlers.getNetworks(context, args),
      create_dhcp_port: (context, args) => handlers.createDhcpPort(context, args),
      update_dhcp_port: (context, args) => handlers.updateDhcpPort(context, args),
      release_dhcp_port: (context, args) => handlers.releaseDhcpPort(context, args),
      get_dhcp_port: (context, args) => handlers.getDhcpPort(context, args),
      dhcp_ready_on_ports: (_context, args) => handlers.dhcpReadyOnPorts(args),
    },
  }
}
