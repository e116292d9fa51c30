import type { Logger } from 'pino'
import type { Config } from '../common/config/index.js'
import type { DatabaseHandle } from '../db/database.js'
import { dhcpAgentNotifyTarget } from '../notifier/dhcp-notifications.js'
import { DhcpAgentNotifier } from '../notifier/dhcp-agent-notifier.js'
import { notifierOptions } from '../notifier/options.js'
import { OrderedEventSink } from '../notifier/ordered-sink.js'
import { agentServerOptions, agentSettingsFrom } from '../plugin/agent-options.js'
import { AgentService } from '../plugin/agents.js'
import { CorePlugin } from '../plugin/core-plugin.js'
import { DhcpAgentScheduling } from '../plugin/dhcp-agent-scheduling.js'
import { pluginOptions } from '../plugin/options.js'
import { createAgentsRpcCallback } from '../plugin/rpc/agents-rpc-callback.js'
import { createDhcpRpcCallback } from '../plugin/rpc/dhcp-rpc-callback.js'
import { Messaging } from '../rpc/messaging.js'
import { messagingOptions, rabbitOptions } from '../rpc/options.js'
import type { RpcServer } from '../rpc/server.js'
import { createTransport } from '../rpc/transport/create-transport.js'
import type { MemoryBroker } from '../rpc/transport/memory-transport.js'
import { DeadAgentMonitor } from '../scheduler/dead-agents.js'
import { NetworkScheduler } from '../scheduler/network-scheduler.js'
import { schedulerKind, schedulerOptions } from '../scheduler/options.js'
import { redactTransportUrl } from '../rpc/transport/transport-url.js'

/** Neutron's topics for agent → server RPC (spec §2.1). */
export const PLUGIN_TOPIC = 'q-plugin'
export const REPORTS_TOPIC = 'q-reports-plugin'

/** The server's plugin, agents and RPC, wired over one transport. */
export interface ServerCore {
  readonly plugin: CorePlugin
  readonly agents: AgentService
  /** Agent updates/deletes and manual network ↔ DHCP agent bindings (the REST extensions). */
  readonly agentAdmin: DhcpAgentScheduling
  readonly notifier: DhcpAgentNotifier
  readonly scheduler: NetworkScheduler
  readonly messaging: Messaging
  /** Stops the RPC servers and closes the transport. */
  stop(): Promise<void>
}

/** Opens the bus `transport_url` names (memory:// needs the process's broker). */
export function createMessaging(
  config: Config,
  log: Logger,
  memoryBroker?: MemoryBroker,
): Messaging {
  const bus = config.group(messagingOptions)
  const transport = createTransport({
    url: bus.transport_url,
    controlExchange: bus.control_exchange,
    rabbit: config.group(rabbitOptions),
    ...(memoryBroker ? { memoryBroker } : {}),
    log: log.child({ component: 'transport' }),
  })
  log.info({ transport_url: redactTransportUrl(bus.transport_url) }, 'message bus configured')
  return new Messaging(transport, {
    rpcResponseTimeoutSeconds: bus.rpc_response_timeout,
    executorPoolSize: bus.executor_thread_pool_size,
    log,
  })
}

/**
 * Builds the core plugin with the DHCP agent notifier as its change sink, and serves the
 * endpoints agents call: `q-plugin` (DhcpRpcCallback) and `q-reports-plugin` (report_state).
 */
export async function startServerCore(options: {
  config: Config
  handle: DatabaseHandle
  messaging: Messaging
  host: string
  log: Logger
}): Promise<ServerCore> {
  const { config, handle, messaging, host, log } = options
  const plugin = config.group(pluginOptions)
  const agentSettings = agentSettingsFrom(config.group(agentServerOptions))
  const agents = new AgentService(handle, agentSettings, {
    log: log.child({ component: 'agents' }),
  })
  const scheduling = config.group(schedulerOptions)
  const scheduler = new NetworkScheduler(
    handle,
    {
      kind: schedulerKind(scheduling.network_scheduler_driver),
      dhcpAgentsPerNetwork: scheduling.dhcp_agents_per_network,
      agentDownTime: agentSettings.agentDownTime,
      defaultAvailabilityZones: scheduling.default_availability_zones,
    },
    log.child({ component: 'scheduler' }),
  )
  const autoSchedule = scheduling.network_auto_schedule
  const notifier = new DhcpAgentNotifier({
    caller: messaging.client(dhcpAgentNotifyTarget),
    hostingAgents: (networkId) => agents.hostingAgents(networkId),
    ...(autoSchedule ? { schedule: (networkId: string) => scheduler.schedule(networkId) } : {}),
    hasPortsAndSubnets: (networkId) => core.networks.hasPortsAndSubnets(networkId),
    options: {
      enableServicesOnAgentsWithAdminStateDown:
        agentSettings.enableServicesOnAgentsWithAdminStateDown,
      dhcpAgentNotification: config.group(notifierOptions).dhcp_agent_notification,
    },
    log: log.child({ component: 'dhcp-agent-notifier' }),
  })
  const events = new OrderedEventSink(notifier, log.child({ component: 'dhcp-agent-notifier' }))
  const core: CorePlugin = new CorePlugin(
    handle,
    {
      baseMac: plugin.base_mac,
      globalPhysnetMtu: plugin.global_physnet_mtu,
      maxDnsNameservers: plugin.max_dns_nameservers,
      maxSubnetHostRoutes: plugin.max_subnet_host_routes,
      macGenerationRetries: plugin.mac_generation_retries,
    },
    events,
  )
  const rpcLog = log.child({ component: 'rpc' })
  const servers: RpcServer[] = [
    messaging.server({ topic: PLUGIN_TOPIC, server: host }, [
      createDhcpRpcCallback({
        handle,
        plugin: core,
        enableServicesOnAgentsWithAdminStateDown:
          agentSettings.enableServicesOnAgentsWithAdminStateDown,
        log: rpcLog,
      }),
    ]),
    messaging.server({ topic: REPORTS_TOPIC, server: host }, [
      createAgentsRpcCallback({ agents, agentDownTime: agentSettings.agentDownTime, log: rpcLog }),
    ]),
  ]
  for (const server of servers) await server.start()
  const failover = scheduling.allow_automatic_dhcp_failover
    ? new DeadAgentMonitor(
        handle,
        scheduler,
        (networkId, host) => notifier.networkAddedToAgent(networkId, host),
        {
          agentDownTime: agentSettings.agentDownTime,
          log: log.child({ component: 'failover' }),
        },
      )
    : undefined
  failover?.start()
  const agentAdmin = new DhcpAgentScheduling(handle, agents, core, notifier, {
    enableServicesOnAgentsWithAdminStateDown:
      agentSettings.enableServicesOnAgentsWithAdminStateDown,
  })
  return {
    plugin: core,
    agents,
    agentAdmin,
    notifier,
    scheduler,
    messaging,
    stop: async () => {
      await failover?.stop()
      for (const server of servers) await server.stop()
      await events.drain(10_000)
      await messaging.close()
    },
  }
}
