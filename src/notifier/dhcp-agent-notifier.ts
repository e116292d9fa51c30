import type { Logger } from 'pino'
import { adminRpcContext } from '../rpc/rpc-context.js'
import type { RpcArgs, RpcCaller } from '../rpc/types.js'
import {
  NOTIFICATION_PRIORITY,
  PORT_CREATE_HIGH_PRIORITY,
  notificationFor,
  type DhcpAgentMethod,
  type DhcpNotification,
} from './dhcp-notifications.js'
import type { ResourceEvent, ResourceEventSink } from './resource-events.js'

/** A DHCP agent bound to a network, as the notifier needs to know it. */
export interface HostingAgent {
  readonly host: string
  readonly admin_state_up: boolean
  readonly alive: boolean
}

/** What the notifier needs; `cli/` wires it. */
export interface DhcpAgentNotifierOptions {
  /** An RPC client of `dhcpAgentNotifyTarget` (topic `dhcp_agent`, version 1.0). */
  readonly caller: RpcCaller
  /** The DHCP agents bound to a network. */
  readonly hostingAgents: (networkId: string) => Promise<readonly HostingAgent[]>
  /**
   * Binds the network to more agents if it needs some and returns only the newly bound ones.
   * Absent: no scheduling (the scheduler issue provides it).
   */
  readonly schedule?: (networkId: string) => Promise<readonly HostingAgent[]>
  /**
   * Whether the network has ports and subnets: then an event no enabled agent gets is an error.
   * Absent counts as yes.
   */
  readonly hasPortsAndSubnets?: (networkId: string) => Promise<boolean>
  readonly options: {
    /** `enable_services_on_agents_with_admin_state_down`: admin-down agents still get casts. */
    readonly enableServicesOnAgentsWithAdminStateDown: boolean
    /** `dhcp_agent_notification`: false turns `publish` into a no-op. */
    readonly dhcpAgentNotification: boolean
  }
  readonly log: Logger
  /** A number in [0, 1) picking the agent that hears of a new port first; Math.random if absent. */
  readonly random?: () => number
}

/** Where one cast goes: one agent's host, or every agent (fanout). */
type Destination = { readonly server: string } | { readonly fanout: true }

/**
 * Neutron's DhcpAgentNotifyAPI: turns committed changes into casts to the DHCP agents hosting
 * the network, with the dispatch rules of spec §2.3. Casting failures are logged, never thrown.
 */
export class DhcpAgentNotifier implements ResourceEventSink {
  private readonly random: () => number

  constructor(private readonly deps: DhcpAgentNotifierOptions) {
    this.random = deps.random ?? Math.random
  }

  /** Tells the agents about a committed change; resolves once the bus took every cast. */
  async publish(event: ResourceEvent): Promise<void> {
    if (!this.deps.options.dhcpAgentNotification) return
    const notification = notificationFor(event)
    if (!notification) return
    try {
      await this.notifyAgents(notification)
    } catch (error) {
      // Finding or scheduling agents failed; the change stands and agents catch up on resync.
      this.deps.log.error(
        { err: error, method: notification.method, network_id: notification.networkId },
        'could not notify DHCP agents',
      )
    }
  }

  /** Casts agent_updated to the agent on `host` after its admin_state_up was changed. */
  async agentUpdated(host: string, adminStateUp: boolean): Promise<void> {
    await this.cast({ server: host }, 'agent_updated', { admin_state_up: adminStateUp })
  }

  /** Casts network_create_end to `host` after the network was bound to its agent. */
  async networkAddedToAgent(networkId: string, host: string): Promise<void> {
    await this.castNetworkCreate(networkId, host)
  }

  /** Casts network_delete_end to `host` after the network was unbound from its agent. */
  async networkRemovedFromAgent(networkId: string, host: string): Promise<void> {
    const payload = { network_id: networkId, priority: NOTIFICATION_PRIORITY.network_delete_end }
    await this.cast({ server: host }, 'network_delete_end', payload, networkId)
  }

  /** spec §2.3, `_notify_agents`. */
  private async notifyAgents(notification: DhcpNotification): Promise<void> {
    const { method, networkId } = notification
    const payload = { ...notification.payload, priority: NOTIFICATION_PRIORITY[method] }
    if (method === 'network_delete_end') {
      await this.cast({ fanout: true }, method, payload, networkId)
      return
    }
    let agents = await this.deps.hostingAgents(networkId)
    if (notification.scheduleFirst) agents = await this.scheduleNetwork(networkId, agents)
    const enabled = await this.enabledAgents(method, networkId, agents)
    if (method === 'port_create_end') {
      await this.castPortCreate(enabled, payload, networkId)
      return
    }
    for (const agent of enabled) await this.cast({ server: agent.host }, method, payload, networkId)
  }

  /** port_create_end: priority 5 to one agent chosen at random, first; 6 to the others. */
  private async castPortCreate(
    agents: readonly HostingAgent[],
    payload: RpcArgs,
    networkId: string,
  ): Promise<void> {
    const chosen = agents[Math.min(agents.length - 1, Math.floor(this.random() * agents.length))]
    if (!chosen) return
    const high = { ...payload, priority: PORT_CREATE_HIGH_PRIORITY }
    await this.cast({ server: chosen.host }, 'port_create_end', high, networkId)
    for (const agent of agents.filter((a) => a !== chosen)) {
      await this.cast({ server: agent.host }, 'port_create_end', payload, networkId)
    }
  }

  /** Schedules the network; newly bound agents hear network_create_end before anything else. */
  private async scheduleNetwork(
    networkId: string,
    existing: readonly HostingAgent[],
  ): Promise<readonly HostingAgent[]> {
    if (!this.deps.schedule) return existing
    let added: readonly HostingAgent[]
    try {
      added = await this.deps.schedule(networkId)
    } catch (error) {
      // The agents already hosting the network still hear of the change.
      this.deps.log.error({ err: error, network_id: networkId }, 'could not schedule network')
      return existing
    }
    for (const agent of added) await this.castNetworkCreate(networkId, agent.host)
    if (added.length === 0 && existing.length === 0) {
      this.deps.log.warn(
        { network_id: networkId },
        'unable to schedule network: no DHCP agent available; retrying on the next port or subnet',
      )
    }
    const addedHosts = new Set(added.map((a) => a.host))
    return [...added, ...existing.filter((a) => !addedHosts.has(a.host))]
  }

  /** The agents that get the cast: admin-up ones unless the option says all (spec §2.3 step 6). */
  private async enabledAgents(
    method: DhcpAgentMethod,
    networkId: string,
    agents: readonly HostingAgent[],
  ): Promise<readonly HostingAgent[]> {
    const log = this.deps.log
    if (agents.length === 0) {
      log.debug({ method, network_id: networkId }, 'no DHCP agent hosts the network')
      return []
    }
    const enabled = this.deps.options.enableServicesOnAgentsWithAdminStateDown
      ? agents
      : agents.filter((a) => a.admin_state_up)
    const dead = enabled.filter((a) => !a.alive).map((a) => a.host)
    if (dead.length > 0) {
      log.warn(
        { method, network_id: networkId, hosts: dead },
        'DHCP agents hosting the network are not alive; notifying them anyway',
      )
    }
    if (enabled.length === 0) {
      const needed = (await this.deps.hasPortsAndSubnets?.(networkId)) ?? true
      if (needed)
        log.error({ method, network_id: networkId }, 'not sending event: no DHCP agent available')
      else log.debug({ method, network_id: networkId }, 'no enabled DHCP agent hosts the network')
    }
    return enabled
  }

  private async castNetworkCreate(networkId: string, host: string): Promise<void> {
    const payload = {
      network: { id: networkId },
      priority: NOTIFICATION_PRIORITY.network_create_end,
    }
    await this.cast({ server: host }, 'network_create_end', payload, networkId)
  }

  /** One cast with a fresh admin context; a failure (bus down) is logged and swallowed. */
  private async cast(
    destination: Destination,
    method: string,
    payload: RpcArgs,
    networkId?: string,
  ): Promise<void> {
    const fields = {
      method,
      network_id: networkId,
      host: 'server' in destination ? destination.server : undefined,
      fanout: 'fanout' in destination ? true : undefined,
    }
    try {
      // spec oslo-messaging-wire §5.3: Neutron casts with one keyword argument, `payload`.
      await this.deps.caller.prepare(destination).cast(adminRpcContext(), method, { payload })
      this.deps.log.debug(fields, 'cast to DHCP agents')
    } catch (error) {
      this.deps.log.error({ ...fields, err: error }, 'could not cast to DHCP agents')
    }
  }
}
