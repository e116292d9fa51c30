import type { Logger } from 'pino'
import { KeyedExecutor } from '../common/keyed-executor.js'
import { DhcpPluginApi, DHCP_PLUGIN_TOPIC } from '../rpc/apis/dhcp-plugin-api.js'
import { ReportStateApi, REPORTS_TOPIC } from '../rpc/apis/report-state-api.js'
import type { Messaging } from '../rpc/messaging.js'
import type { RpcServer } from '../rpc/server.js'
import type { RpcArgs, RpcEndpoint } from '../rpc/types.js'
import type { DhcpDriver } from '../drivers/dhcp/dhcp-driver.js'
import { NetworkActions } from './network-actions.js'
import { NetworkCache } from './network-cache.js'
import { NotificationHandler } from './notification-handler.js'
import { ReadyPorts } from './ready-ports.js'
import { ResyncScheduler } from './resync.js'
import { StateReporter } from './state-reporter.js'
import { NetworkUpdateQueue } from './update-queue.js'

/** The topic the server casts to DHCP agents on (spec §2.1). */
export const DHCP_AGENT_TOPIC = 'dhcp_agent'

/** The methods the server casts to an agent (spec §2.3), all handled through the update queue. */
const CAST_METHODS = [
  'network_create_end',
  'network_update_end',
  'network_delete_end',
  'subnet_create_end',
  'subnet_update_end',
  'subnet_delete_end',
  'port_create_end',
  'port_update_end',
  'port_delete_end',
] as const

/** Settings of the DHCP agent (Neutron's option names in the cli's tables). */
export interface DhcpAgentSettings {
  readonly host: string
  readonly numSyncThreads: number
  readonly resyncIntervalSeconds: number
  readonly resyncThrottleSeconds: number
  readonly reportIntervalSeconds: number
  readonly availabilityZone: string
  readonly logAgentHeartbeats: boolean
  /** Extra keys of the reported `configurations` (dhcp_driver, dhcp_lease_duration, ...). */
  readonly configurations: Readonly<Record<string, unknown>>
}

function networkIdOf(payload: RpcArgs): string | undefined {
  const inner = payload as Record<string, Record<string, unknown> | string | undefined>
  if (typeof inner['network_id'] === 'string') return inner['network_id']
  for (const key of ['network', 'subnet', 'port']) {
    const resource = inner[key]
    if (typeof resource !== 'object' || resource === undefined) continue
    const id = key === 'network' ? resource['id'] : resource['network_id']
    if (typeof id === 'string') return id
  }
  return undefined
}

/**
 * The DHCP agent (spec §3): keeps a cache of the networks its host serves, configures each
 * through the DHCP driver, follows the server's casts, resyncs after errors and outages, reports
 * its state, and tells the server which ports are ready. It never touches the database.
 */
export class DhcpAgent {
  readonly cache = new NetworkCache()
  private readonly api: DhcpPluginApi
  private readonly actions: NetworkActions
  private readonly queue: NetworkUpdateQueue
  private readonly resync: ResyncScheduler
  private readonly reporter: StateReporter
  private readonly readyPorts: ReadyPorts
  private rpcServer: RpcServer | undefined
  private unsubscribe: (() => void) | undefined

  constructor(
    private readonly messaging: Messaging,
    private readonly driver: DhcpDriver,
    private readonly settings: DhcpAgentSettings,
    private readonly log: Logger,
  ) {
    this.api = new DhcpPluginApi(
      messaging.client({ topic: DHCP_PLUGIN_TOPIC, version: '1.0' }),
      settings.host,
    )
    this.readyPorts = new ReadyPorts(this.api, log)
    const ready = (ids: readonly string[]) => this.readyPorts.add(ids)
    this.actions = new NetworkActions({
      api: this.api,
      driver,
      cache: this.cache,
      host: settings.host,
      ready,
      log,
    })
    const handler = new NotificationHandler({
      cache: this.cache,
      actions: this.actions,
      ready,
      resync: (reason, networkId) => this.resync.schedule(reason, networkId),
      log,
    })
    this.queue = new NetworkUpdateQueue(
      new KeyedExecutor(Math.max(8, settings.numSyncThreads)),
      (networkId, updates) => handler.handleBatch(networkId, updates),
    )
    this.resync = new ResyncScheduler((ids) => this.syncState(ids), {
      intervalSeconds: settings.resyncIntervalSeconds,
      throttleSeconds: settings.resyncThrottleSeconds,
      log,
    })
    this.reporter = new StateReporter({
      api: new ReportStateApi(messaging.client({ topic: REPORTS_TOPIC, version: '1.2' })),
      intervalSeconds: settings.reportIntervalSeconds,
      state: {
        binary: 'neutron-dhcp-agent',
        host: settings.host,
        availability_zone: settings.availabilityZone,
        topic: DHCP_AGENT_TOPIC,
        agent_type: 'DHCP agent',
      },
      configurations: () => ({ ...settings.configurations, ...this.cache.state() }),
      onStatus: (status) => {
        if (status === 'revived') this.resync.schedule('the agent has just been revived')
      },
      logHeartbeats: settings.logAgentHeartbeats,
      log,
    })
  }

  /** State report, full sync, then consuming casts; a server or bus outage is retried, never fatal. */
  async start(): Promise<void> {
    this.reporter.start()
    await this.syncState(null).catch((error: unknown) => {
      this.log.warn({ err: error }, 'initial sync failed; retrying')
      this.resync.schedule('initial sync failed')
    })
    this.rpcServer = this.messaging.server(
      { topic: DHCP_AGENT_TOPIC, server: this.settings.host },
      [this.endpoint()],
    )
    await this.rpcServer.start()
    this.unsubscribe = this.messaging.onTransportEvent((event) => {
      // Casts sent while the bus was away may be lost: catch up with a full sync.
      if (event === 'reconnected') this.resync.schedule('the message bus reconnected')
    })
    this.resync.start()
    this.readyPorts.start()
    this.log.info(
      { host: this.settings.host, networks: this.cache.state().networks },
      'DHCP agent started',
    )
  }

  /** Stops consuming and the loops; dnsmasq processes keep serving (an agent restart is no outage). */
  async stop(): Promise<void> {
    this.unsubscribe?.()
    await this.rpcServer?.stop()
    await this.resync.stop()
    await this.reporter.stop()
    await this.readyPorts.stop()
  }

  /** Waits until no update is queued or running (for tests and benchmarks). */
  idle(): boolean {
    return this.queue.size() === 0 && !this.resync.isPending()
  }

  /**
   * spec §3.4: fetches the networks this host hosts; disables what it serves (or has on disk)
   * but no longer hosts; configures the rest (all on a full sync, else the unknown and named
   * ones), each in its network's turn, `num_sync_threads` at a time.
   */
  async syncState(networkIds: readonly string[] | null): Promise<void> {
    const started = Date.now()
    const networks = await this.api.getActiveNetworksInfo()
    const active = new Set(networks.map((n) => n.id))
    const known = new Set([...this.cache.networkIds(), ...(await this.driver.existingNetworks())])
    const tasks: Promise<void>[] = []
    for (const id of known) {
      if (!active.has(id))
        tasks.push(this.queue.runInTurn(id, () => this.safely(id, () => this.actions.disable(id))))
    }
    for (const network of networks) {
      if (networkIds === null || !this.cache.get(network.id) || networkIds.includes(network.id)) {
        tasks.push(
          this.queue.runInTurn(network.id, () =>
            this.safely(network.id, () => this.actions.configure(network)),
          ),
        )
      }
    }
    await Promise.all(tasks)
    this.log.info(
      { networks: networks.length, ms: Date.now() - started, full: networkIds === null },
      'synced',
    )
  }

  private async safely(networkId: string, action: () => Promise<void>): Promise<void> {
    try {
      await action()
    } catch (error) {
      this.log.warn({ err: error, network_id: networkId }, 'network sync failed; resyncing it')
      this.resync.schedule('sync of the network failed', networkId)
    }
  }

  /** The endpoint on `dhcp_agent.<host>`: every cast is queued by network and handled in turn. */
  private endpoint(): RpcEndpoint {
    const methods: Record<string, (context: unknown, args: RpcArgs) => void> = {}
    for (const method of CAST_METHODS) {
      methods[method] = (_context, args) => this.enqueue(method, args)
    }
    methods['agent_updated'] = () => this.resync.schedule('agent updated by the server')
    return { version: '1.0', methods }
  }

  private enqueue(method: string, args: RpcArgs): void {
    const payload = (args['payload'] ?? {}) as RpcArgs
    const networkId = networkIdOf(payload)
    if (networkId === undefined) {
      this.log.warn({ method }, 'a cast without a network id; ignored')
      return
    }
    const priority = typeof payload['priority'] === 'number' ? payload['priority'] : 255
    this.queue.push({ networkId, priority, method, payload })
  }
}
