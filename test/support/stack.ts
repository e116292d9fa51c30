import pino, { type Logger } from 'pino'
import { createApi } from '../../src/api/app.js'
import { DhcpAgent, type DhcpAgentSettings } from '../../src/agent/dhcp-agent.js'
import { loadLeaseholdConfig } from '../../src/cli/config.js'
import { startDhcpAgent, type RunningAgent } from '../../src/cli/dhcp-agent.js'
import { createMessaging, startServerCore, type ServerCore } from '../../src/cli/server-rpc.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import type { DhcpDriver } from '../../src/drivers/dhcp/dhcp-driver.js'
import type { Messaging } from '../../src/rpc/messaging.js'
import { MemoryBroker } from '../../src/rpc/transport/memory-transport.js'
import { apiClient, type TestApi } from './api-server.js'

/** A server (API + RPC endpoints + notifier) in this process, and agents started on demand. */
export interface TestStack {
  readonly api: TestApi
  readonly server: ServerCore
  readonly log: Logger
  /**
   * Starts a DHCP agent with the real dnsmasq driver, as `leasehold dhcp-agent` does, with its own
   * state path; options are `[DEFAULT]`/`[AGENT]` overrides.
   */
  startRealAgent(
    statePath: string,
    overrides?: Record<string, Record<string, string>>,
  ): Promise<{ running: RunningAgent; messaging: Messaging }>
  /** Stops the real agents started so far (their dnsmasq processes keep running). */
  stopRealAgents(): Promise<void>
  /** Starts a DHCP agent on `host` with a driver, on the stack's bus. */
  startAgent(
    driver: DhcpDriver,
    settings?: Partial<DhcpAgentSettings>,
  ): Promise<{ agent: DhcpAgent; messaging: Messaging }>
  close(): Promise<void>
}

/** Agent settings for tests: quick resyncs and reports. */
export const testAgentSettings: DhcpAgentSettings = {
  host: 'agent-host-1',
  numSyncThreads: 4,
  resyncIntervalSeconds: 1,
  resyncThrottleSeconds: 0,
  reportIntervalSeconds: 2,
  availabilityZone: 'nova',
  logAgentHeartbeats: false,
  configurations: { dhcp_driver: 'neutron.agent.linux.dhcp.Dnsmasq', dhcp_lease_duration: 120 },
}

/**
 * Starts the server core over a migrated database on `transport_url` (the in-process bus by
 * default) with the REST API on 127.0.0.1, port 0.
 */
export async function startTestStack(
  handle: DatabaseHandle,
  options: { transportUrl?: string; overrides?: Record<string, Record<string, string>> } = {},
): Promise<TestStack> {
  const log = pino({ level: process.env.LEASEHOLD_TEST_LOG ?? 'silent' })
  const transportUrl = options.transportUrl ?? 'memory://'
  const config = loadLeaseholdConfig([], {
    ...options.overrides,
    DEFAULT: { transport_url: transportUrl, ...options.overrides?.['DEFAULT'] },
  })
  const broker = new MemoryBroker()
  const server = await startServerCore({
    config,
    handle,
    messaging: createMessaging(config, log, broker),
    host: 'server-host',
    log,
  })
  const app = createApi({
    plugin: server.plugin,
    log,
    maxRequestBodySize: 114688,
    agentRoutes: { agents: server.agents, agentAdmin: server.agentAdmin },
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const agents: { agent: DhcpAgent; messaging: Messaging }[] = []
  const realAgents: { running: RunningAgent; messaging: Messaging }[] = []
  return {
    api: apiClient(`http://127.0.0.1:${port}`, () => app.close()),
    server,
    log,
    async startRealAgent(statePath, agentOverrides = {}) {
      const agentConfig = loadLeaseholdConfig([], {
        ...agentOverrides,
        DEFAULT: {
          transport_url: transportUrl,
          state_path: statePath,
          host: testAgentSettings.host,
          resync_interval: '1',
          resync_throttle: '0',
          ...agentOverrides['DEFAULT'],
        },
        AGENT: {
          report_interval: '2',
          check_child_processes_interval: '1',
          ...agentOverrides['AGENT'],
        },
      })
      const messaging = createMessaging(agentConfig, log, broker)
      const running = await startDhcpAgent(agentConfig, messaging, log)
      const started = { running, messaging }
      realAgents.push(started)
      return started
    },
    async stopRealAgents() {
      for (const { running, messaging } of realAgents.splice(0)) {
        await running.stop()
        await messaging.close()
      }
    },
    async startAgent(driver, settings = {}) {
      const messaging = createMessaging(config, log, broker)
      const agent = new DhcpAgent(messaging, driver, { ...testAgentSettings, ...settings }, log)
      await agent.start()
      const started = { agent, messaging }
      agents.push(started)
      return started
    },
    async close() {
      for (const { running, messaging } of realAgents) {
        await running.stop()
        await messaging.close()
      }
      for (const { agent, messaging } of agents) {
        await agent.stop()
        await messaging.close()
      }
      await app.close()
      await server.stop()
    },
  }
}
