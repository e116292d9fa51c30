import pino, { type Logger } from 'pino'
import type { Network, Port, Subnet } from '../../../src/common/resources.js'
import { DhcpAgentNotifier, type HostingAgent } from '../../../src/notifier/dhcp-agent-notifier.js'
import type {
  CallOptions,
  RpcArgs,
  RpcCaller,
  RpcContext,
  RpcTarget,
} from '../../../src/rpc/types.js'

/** One cast as the bus would have taken it. */
export interface RecordedCast {
  readonly server: string | undefined
  readonly fanout: boolean | undefined
  readonly method: string
  /** The cast's `payload` keyword argument (Neutron sends no other). */
  readonly args: Record<string, unknown>
  readonly context: RpcContext
}

/**
 * An RpcCaller that records casts instead of sending them. `prepare` returns a caller that
 * remembers its server and fanout; `failWhen` makes matching casts reject like a bus that is down.
 */
export class RecordingCaller implements RpcCaller {
  constructor(
    readonly target: RpcTarget = { topic: 'dhcp_agent', version: '1.0' },
    readonly casts: RecordedCast[] = [],
    private readonly failWhen: (cast: RecordedCast) => boolean = () => false,
  ) {}

  /** A caller sharing this one's record whose casts fail when `failWhen` says so. */
  failing(failWhen: (cast: RecordedCast) => boolean): RecordingCaller {
    return new RecordingCaller(this.target, this.casts, failWhen)
  }

  call<T>(): Promise<T> {
    return Promise.reject(new Error('the DHCP agent notifier only casts'))
  }

  cast(context: RpcContext, method: string, args: RpcArgs = {}): Promise<void> {
    if (Object.keys(args).join() !== 'payload') {
      return Promise.reject(new Error(`cast ${method} without the single payload argument`))
    }
    const cast = {
      server: this.target.server,
      fanout: this.target.fanout,
      method,
      args: { ...(args['payload'] as Record<string, unknown>) },
      context,
    }
    if (this.failWhen(cast)) return Promise.reject(new Error('connection to the bus lost'))
    this.casts.push(cast)
    return Promise.resolve()
  }

  prepare(overrides: Partial<RpcTarget> & CallOptions): RpcCaller {
    return new RecordingCaller({ ...this.target, ...overrides }, this.casts, this.failWhen)
  }
}

/** A log line as pino wrote it. */
export type LogLine = Record<string, unknown> & { level: number; msg: string }

/** A debug-level logger that keeps its lines; `lines` fills as the code logs. */
export function capturingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = []
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  )
  return { log, lines }
}

/** pino's numeric levels. */
export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const

/** An alive, admin-up DHCP agent on `host`. */
export function anAgent(host: string, overrides: Partial<HostingAgent> = {}): HostingAgent {
  return { host, admin_state_up: true, alive: true, ...overrides }
}

const STANDARD = {
  description: '',
  revision_number: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  tags: [],
}

export const NETWORK_ID = '5b1a1b3e-0000-4000-8000-000000000001'
export const SUBNET_ID = '5b1a1b3e-0000-4000-8000-000000000002'
export const PORT_ID = '5b1a1b3e-0000-4000-8000-000000000003'

/** A network API dict. */
export function aNetwork(overrides: Partial<Network> = {}): Network {
  return {
    ...STANDARD,
    id: NETWORK_ID,
    name: 'net',
    project_id: 'p1',
    tenant_id: 'p1',
    admin_state_up: true,
    status: 'ACTIVE',
    subnets: [SUBNET_ID],
    shared: false,
    mtu: 1500,
    availability_zone_hints: [],
    availability_zones: [],
    'router:external': false,
    port_security_enabled: true,
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    l2_adjacency: true,
    ...overrides,
  }
}

/** An IPv4 subnet API dict (198.18.0.0/24). */
export function aSubnet(overrides: Partial<Subnet> = {}): Subnet {
  return {
    ...STANDARD,
    id: SUBNET_ID,
    name: 'sub',
    project_id: 'p1',
    tenant_id: 'p1',
    network_id: NETWORK_ID,
    ip_version: 4,
    cidr: '198.18.0.0/24',
    gateway_ip: '198.18.0.1',
    allocation_pools: [{ start: '198.18.0.2', end: '198.18.0.254' }],
    dns_nameservers: [],
    host_routes: [],
    enable_dhcp: true,
    ipv6_ra_mode: null,
    ipv6_address_mode: null,
    subnetpool_id: null,
    segment_id: null,
    service_types: [],
    ...overrides,
  }
}

/** A compute port API dict holding 198.18.0.10. */
export function aPort(overrides: Partial<Port> = {}): Port {
  return {
    ...STANDARD,
    id: PORT_ID,
    name: 'vm',
    project_id: 'p1',
    tenant_id: 'p1',
    network_id: NETWORK_ID,
    admin_state_up: true,
    mac_address: 'fa:16:3e:00:00:01',
    fixed_ips: [{ subnet_id: SUBNET_ID, ip_address: '198.18.0.10' }],
    device_id: 'vm-1',
    device_owner: 'compute:nova',
    status: 'DOWN',
    extra_dhcp_opts: [],
    'binding:host_id': '',
    'binding:vif_type': 'unbound',
    'binding:vnic_type': 'normal',
    'binding:vif_details': {},
    'binding:profile': {},
    security_groups: [],
    allowed_address_pairs: [],
    port_security_enabled: true,
    ip_allocation: 'immediate',
    ...overrides,
  }
}

/** How `aNotifier` sets the notifier up. */
export interface Setup {
  agents?: HostingAgent[]
  schedule?: (networkId: string) => Promise<HostingAgent[]>
  hasPortsAndSubnets?: boolean
  enableServicesOnAgentsWithAdminStateDown?: boolean
  dhcpAgentNotification?: boolean
  random?: () => number
  failWhen?: (cast: { server: string | undefined; method: string }) => boolean
}

/** A notifier over a recording caller; the network is hosted by `host-a` unless `agents` says. */
export function aNotifier(setup: Setup = {}) {
  const base = new RecordingCaller()
  const caller = setup.failWhen ? base.failing(setup.failWhen) : base
  const { log, lines } = capturingLogger()
  const looked: string[] = []
  const scheduled: string[] = []
  const { schedule } = setup
  const notifier = new DhcpAgentNotifier({
    caller,
    hostingAgents: (networkId) => {
      looked.push(networkId)
      return Promise.resolve(setup.agents ?? [anAgent('host-a')])
    },
    schedule:
      schedule &&
      ((networkId) => {
        scheduled.push(networkId)
        return schedule(networkId)
      }),
    hasPortsAndSubnets: () => Promise.resolve(setup.hasPortsAndSubnets ?? true),
    options: {
      enableServicesOnAgentsWithAdminStateDown:
        setup.enableServicesOnAgentsWithAdminStateDown ?? false,
      dhcpAgentNotification: setup.dhcpAgentNotification ?? true,
    },
    log,
    random: setup.random,
  })
  return { notifier, casts: base.casts, lines, looked, scheduled }
}
