import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, isAbsolute, resolve } from 'node:path'
import type { Logger } from 'pino'
import { DhcpAgent } from '../agent/dhcp-agent.js'
import { agentSectionOptions, dhcpAgentOptions } from '../agent/options.js'
import type { Config } from '../common/config/index.js'
import { ConfigError } from '../common/errors.js'
import { DnsmasqDriver } from '../drivers/dhcp/dnsmasq/dnsmasq-driver.js'
import { LinuxBridgeDriver } from '../drivers/interface/linux-bridge-driver.js'
import { ProcessMonitor } from '../drivers/process/process-monitor.js'
import type { Messaging } from '../rpc/messaging.js'
import { commonOptions } from './options.js'

/** A running DHCP agent with the monitor of its dnsmasq processes. */
export interface RunningAgent {
  readonly agent: DhcpAgent
  /** Stops the agent; dnsmasq processes keep serving, to be adopted by the next start. */
  stop(): Promise<void>
}

/** The host commands the agent runs; missing ones are reported before it starts. */
const REQUIRED_COMMANDS = ['ip', 'dnsmasq', 'dhcp_release'] as const

function onPath(command: string): boolean {
  const dirs = (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')
  return dirs.some((dir) => {
    try {
      accessSync(`${dir}/${command}`, constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/** Why this process cannot run a DHCP agent (not root, commands missing), or undefined. */
export function agentPrerequisiteProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'it must run as root (it creates network namespaces)'
  const missing = REQUIRED_COMMANDS.filter((c) => !onPath(c))
  if (missing.length > 0) {
    return `commands missing: ${missing.join(', ')} (Debian packages iproute2, dnsmasq-base, dnsmasq-utils)`
  }
  return undefined
}

/**
 * dnsmasq drops root after start and rereads its files as an unprivileged user, so every
 * directory above dhcp_confs must be searchable by others; say so plainly instead of serving
 * no leases.
 */
export function unreachableByDnsmasq(dhcpConfs: string): string | undefined {
  let dir = dhcpConfs
  for (;;) {
    const parent = dirname(dir)
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) return dir
    if (parent === dir) return undefined
    dir = parent
  }
}

/** The agent's host name: `[DEFAULT] host`, or the system's. */
export function agentHost(config: Config): string {
  return config.group(commonOptions).host || hostname()
}

/** Builds the dnsmasq driver and the agent from the config and starts it. */
export async function startDhcpAgent(
  config: Config,
  messaging: Messaging,
  log: Logger,
): Promise<RunningAgent> {
  const options = config.group(dhcpAgentOptions)
  const section = config.group(agentSectionOptions)
  const statePath = config.group(commonOptions).state_path
  const dhcpConfs = isAbsolute(options.dhcp_confs)
    ? options.dhcp_confs
    : resolve(options.dhcp_confs)
  const closed = unreachableByDnsmasq(dhcpConfs)
  if (closed) {
    throw new ConfigError(
      `dnsmasq cannot read its files under dhcp_confs ${dhcpConfs}: ${closed} is not searchable by other users (chmod o+x ${closed}, or set state_path/dhcp_confs elsewhere)`,
    )
  }
  const agentLog = log.child({ component: 'dhcp-agent' })
  const monitor = new ProcessMonitor({
    intervalSeconds: section.check_child_processes_interval,
    action: section.check_child_processes_action === 'exit' ? 'exit' : 'respawn',
    log: agentLog,
    onExit: (reason) => {
      agentLog.error({ reason }, 'a dnsmasq died and check_child_processes_action is exit')
      process.kill(process.pid, 'SIGTERM')
    },
  })
  const interfaceDriver = new LinuxBridgeDriver()
  const driver = new DnsmasqDriver({
    config: {
      dhcpConfsDir: dhcpConfs,
      dhcpLeaseDuration: options.dhcp_lease_duration,
      dnsDomain: options.dns_domain,
      dnsmasqDnsServers: options.dnsmasq_dns_servers,
      dnsmasqLocalResolv: options.dnsmasq_local_resolv,
      dnsmasqLeaseMax: options.dnsmasq_lease_max,
      dhcpBroadcastReply: options.dhcp_broadcast_reply,
      dnsmasqConfigFile: options.dnsmasq_config_file,
      dnsmasqBaseLogDir: options.dnsmasq_base_log_dir || null,
      dhcpRenewalTime: options.dhcp_renewal_time,
      dhcpRebindingTime: options.dhcp_rebinding_time,
      dnsmasqEnableAddr6List: options.dnsmasq_enable_addr6_list,
      enableIsolatedMetadata: options.enable_isolated_metadata,
      forceMetadata: options.force_metadata,
      enableMetadataNetwork: options.enable_metadata_network,
      supportsHostTags: false,
      bridged: interfaceDriver.bridged,
    },
    interfaceDriver,
    processMonitor: monitor,
    log: agentLog,
  })
  const agent = new DhcpAgent(
    messaging,
    driver,
    {
      host: agentHost(config),
      numSyncThreads: options.num_sync_threads,
      resyncIntervalSeconds: options.resync_interval,
      resyncThrottleSeconds: options.resync_throttle,
      reportIntervalSeconds: section.report_interval,
      availabilityZone: section.availability_zone,
      logAgentHeartbeats: section.log_agent_heartbeats,
      configurations: {
        dhcp_driver: options.dhcp_driver,
        dhcp_lease_duration: options.dhcp_lease_duration,
        log_agent_heartbeats: section.log_agent_heartbeats,
      },
    },
    agentLog,
  )
  monitor.start()
  await agent.start()
  agentLog.info({ state_path: statePath, dhcp_confs: dhcpConfs }, 'DHCP agent running')
  return {
    agent,
    stop: async () => {
      await agent.stop()
      await monitor.stop()
    },
  }
}
