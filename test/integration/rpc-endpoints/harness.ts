import { Writable } from 'node:stream'
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely'
import pino, { type Logger } from 'pino'
import { beforeAll } from 'vitest'
import { adminContext } from '../../../src/common/context.js'
import type { DatabaseHandle } from '../../../src/db/database.js'
import type { Engine } from '../../../src/db/dialect.js'
import { findAgentByTypeAndHost } from '../../../src/db/tables/agents.js'
import { bindNetwork } from '../../../src/db/tables/dhcp-agent-bindings.js'
import { DEFAULT_AGENT_SETTINGS, type AgentSettings } from '../../../src/plugin/agent-options.js'
import { AgentService } from '../../../src/plugin/agents.js'
import { CorePlugin } from '../../../src/plugin/core-plugin.js'
import type { NetworkCreate } from '../../../src/plugin/networks.js'
import type { PortCreate } from '../../../src/plugin/ports.js'
import { createAgentsRpcCallback } from '../../../src/plugin/rpc/agents-rpc-callback.js'
import { createDhcpRpcCallback } from '../../../src/plugin/rpc/dhcp-rpc-callback.js'
import type { SubnetCreate } from '../../../src/plugin/subnets.js'
import { adminRpcContext } from '../../../src/rpc/rpc-context.js'
import type { RpcEndpoint } from '../../../src/rpc/types.js'
import { useTestDatabase } from '../../support/databases.js'

/** Everything an RPC endpoint test drives: the database, the plugin and both endpoints. */
export interface RpcTestEnv {
  readonly handle: DatabaseHandle
  readonly plugin: CorePlugin
  readonly agents: AgentService
  readonly dhcp: RpcEndpoint
  readonly reports: RpcEndpoint
  /** JSON log lines the endpoints wrote. */
  readonly logs: Record<string, unknown>[]
}

/** Options of one environment. */
export interface RpcTestOptions {
  readonly settings?: Partial<AgentSettings>
  readonly autoSchedule?: (host: string) => Promise<void>
  readonly startTime?: Date
}

/** A logger that keeps its JSON lines in `lines`. */
export function capturingLogger(lines: Record<string, unknown>[]): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  return pino({ level: 'debug' }, sink)
}

/** Builds the plugin and endpoints over a handle. */
export function buildEnv(handle: DatabaseHandle, options: RpcTestOptions = {}): RpcTestEnv {
  const settings = { ...DEFAULT_AGENT_SETTINGS, ...options.settings }
  const logs: Record<string, unknown>[] = []
  const log = capturingLogger(logs)
  const plugin = new CorePlugin(handle, {
    baseMac: 'fa:16:3e:00:00:00',
    globalPhysnetMtu: 1500,
    maxDnsNameservers: 5,
    maxSubnetHostRoutes: 20,
    macGenerationRetries: 16,
  })
  const agents = new AgentService(handle, settings, { log })
  return {
    handle,
    plugin,
    agents,
    logs,
    dhcp: createDhcpRpcCallback({
      handle,
      plugin,
      enableServicesOnAgentsWithAdminStateDown: settings.enableServicesOnAgentsWithAdminStateDown,
      log,
      ...(options.autoSchedule ? { autoSchedule: options.autoSchedule } : {}),
    }),
    reports: createAgentsRpcCallback({
      agents,
      agentDownTime: settings.agentDownTime,
      log,
      startTime: options.startTime ?? new Date(Date.now() - 1000),
    }),
  }
}

/** A migrated database per suite (emptied between tests) and an environment over it. */
export function useRpcEnv(engine: Engine, options: RpcTestOptions = {}): () => RpcTestEnv {
  const db = useTestDatabase(engine)
  let env: RpcTestEnv | undefined
  beforeAll(() => {
    env = buildEnv(db(), options)
  })
  return () => {
    if (!env) throw new Error('environment not ready')
    return env
  }
}

/** Calls an endpoint method as the RPC server would, with an admin context. */
export async function call(endpoint: RpcEndpoint, method: string, args: object): Promise<any> {
  const handler = endpoint.methods[method]
  if (!handler) throw new Error(`no method ${method}`)
  return await handler(adminRpcContext(), args as Record<string, unknown>)
}

/** A time as agents send it: `%Y-%m-%dT%H:%M:%S.%f` in UTC. */
export function agentTime(date = new Date()): string {
  return `${date.toISOString().slice(0, 23)}000`
}

/** report_state arguments of a DHCP agent on `host`. */
export function dhcpReport(host: string, state: Record<string, unknown> = {}, time = agentTime()) {
  return {
    agent_state: {
      agent_state: {
        binary: 'neutron-dhcp-agent',
        host,
        availability_zone: 'nova',
        topic: 'dhcp_agent',
        agent_type: 'DHCP agent',
        configurations: { dhcp_driver: 'dnsmasq', networks: 3, subnets: 4, ports: 17 },
        ...state,
      },
    },
    time,
  }
}

/** Registers a DHCP agent on `host` through report_state and returns its id. */
export async function registerDhcpAgent(env: RpcTestEnv, host: string): Promise<string> {
  await call(env.reports, 'report_state', dhcpReport(host, { start_flag: true }))
  const row = await findAgentByTypeAndHost(env.handle.db, 'DHCP agent', host)
  if (!row) throw new Error('agent not registered')
  return row.id
}

/** Binds a network to an agent as the scheduler would. */
export async function bind(env: RpcTestEnv, networkId: string, agentId: string): Promise<void> {
  await bindNetwork(env.handle.db, {
    network_id: networkId,
    dhcp_agent_id: agentId,
    binding_index: 1,
  })
}

export const PROJECT = 'a0000000000000000000000000000001'

/** Creates a network as admin. */
export async function aNetwork(env: RpcTestEnv, overrides: Partial<NetworkCreate> = {}) {
  return env.plugin.networks.create(adminContext(), {
    name: 'net',
    admin_state_up: true,
    project_id: PROJECT,
    availability_zone_hints: [],
    description: '',
    ...overrides,
  })
}

/** Creates an IPv4 subnet (198.18.0.0/24 unless overridden). */
export async function aSubnet(
  env: RpcTestEnv,
  networkId: string,
  overrides: Partial<SubnetCreate> = {},
) {
  const [subnet] = await env.plugin.subnets.create(adminContext(), [
    {
      network_id: networkId,
      ip_version: 4,
      cidr: '198.18.0.0/24',
      dns_nameservers: [],
      host_routes: [],
      enable_dhcp: true,
      ipv6_ra_mode: null,
      ipv6_address_mode: null,
      name: '',
      description: '',
      project_id: PROJECT,
      ...overrides,
    },
  ])
  if (!subnet) throw new Error('no subnet')
  return subnet
}

/** Creates ports on a network (one per override object). */
export async function somePorts(
  env: RpcTestEnv,
  networkId: string,
  overrides: Partial<PortCreate>[],
) {
  return env.plugin.ports.create(
    adminContext(),
    overrides.map((o) => ({
      network_id: networkId,
      name: '',
      admin_state_up: true,
      device_id: '',
      device_owner: '',
      project_id: PROJECT,
      description: '',
      ...o,
    })),
  )
}

/** Creates one port. */
export async function aPort(
  env: RpcTestEnv,
  networkId: string,
  overrides: Partial<PortCreate> = {},
) {
  const [port] = await somePorts(env, networkId, [overrides])
  if (!port) throw new Error('no port')
  return port
}

/** A Kysely plugin that counts the queries sent through it. */
export class QueryCounter implements KyselyPlugin {
  count = 0
  transformQuery(args: PluginTransformQueryArgs) {
    this.count++
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs) {
    return args.result
  }
}
