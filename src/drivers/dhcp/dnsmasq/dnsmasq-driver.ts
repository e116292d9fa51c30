/**
 * The dnsmasq DHCP driver (spec §4.1): one dnsmasq per network in namespace `qdhcp-<id>`, on the
 * DHCP port's device, reading files under `<dhcp_confs>/<id>/`. Decisions (file text, command
 * line) come from the pure renderers beside this file; this class acts on the host.
 */
import { mkdir, readdir, rm } from 'node:fs/promises'
import type { Logger } from 'pino'
import { dhcpNamespace } from '../../../common/dhcp-network.js'
import type { DhcpNetwork, DhcpPort } from '../../../common/dhcp-network.js'
import { readFileIfExists, writeFileAtomic } from '../../host/files.js'
import type { InterfaceDriver } from '../../interface/interface-driver.js'
import { deleteNamespace, killNamespaceProcesses, setupDhcpNamespace } from '../../netns/netns.js'
import { ProcessManager } from '../../process/process-manager.js'
import type { ProcessMonitor, WatchedProcess } from '../../process/process-monitor.js'
import type { DhcpDriver } from '../dhcp-driver.js'
import { dnsmasqArgs, dnsmasqLogDir } from './command-line.js'
import { probeDhcpRelease6, releaseStaleLeases } from './dhcp-release.js'
import { configDir, dnsmasqFilePaths } from './dnsmasq-config.js'
import type { DnsmasqConfig, DnsmasqFilePaths } from './dnsmasq-config.js'
import {
  DNSMASQ_SERVICE,
  isSameCommandLine,
  probeHostTags,
  spawnDnsmasq,
} from './dnsmasq-process.js'
import { renderInitialLeases } from './leases-file.js'
import { defaultGateway, deviceCidrs, hasDhcpSubnet } from './device-setup.js'
import { PerKeyQueue } from './per-key-queue.js'
import { renderDnsmasqFiles } from './render.js'

/** What a DnsmasqDriver is built with. */
export interface DnsmasqDriverOptions {
  /**
   * The agent's options; `supportsHostTags` is replaced by a check of the installed dnsmasq and
   * `bridged` by the interface driver's.
   */
  readonly config: DnsmasqConfig
  readonly interfaceDriver: InterfaceDriver
  readonly processMonitor: ProcessMonitor
  readonly log: Logger
  /** Milliseconds from SIGTERM to SIGKILL when stopping dnsmasq (Neutron 2023.1+: 5000); 0 = SIGKILL. */
  readonly termTimeoutMs?: number
  /** The clock for initial lease expiry, in seconds since the epoch. */
  readonly nowSeconds?: () => number
}

/** What the host's dnsmasq and dnsmasq-utils can do, checked once per driver. */
interface Capabilities {
  readonly config: DnsmasqConfig
  readonly release6Supported: boolean
}

/** UUID-like names of config dirs (spec §3.1: only those are networks from an earlier run). */
const UUID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Runs dnsmasq for networks; calls for one network run one at a time. */
export class DnsmasqDriver implements DhcpDriver {
  private readonly log: Logger
  private readonly queue = new PerKeyQueue()
  private capabilities: Promise<Capabilities> | undefined

  constructor(private readonly options: DnsmasqDriverOptions) {
    this.log = options.log.child({ component: 'dnsmasq-driver' })
  }

  enable(network: DhcpNetwork, dhcpPort: DhcpPort): Promise<void> {
    return this.queue.run(network.id, () => this.doEnable(network, dhcpPort))
  }

  disable(networkId: string, options: { retainPort?: boolean } = {}): Promise<void> {
    return this.queue.run(networkId, () => this.doDisable(networkId, options.retainPort ?? false))
  }

  restart(network: DhcpNetwork, dhcpPort: DhcpPort): Promise<void> {
    return this.queue.run(network.id, async () => {
      await this.doDisable(network.id, true)
      await this.doEnable(network, dhcpPort)
    })
  }

  reloadAllocations(network: DhcpNetwork, dhcpPort: DhcpPort): Promise<void> {
    return this.queue.run(network.id, () => this.doReload(network, dhcpPort))
  }

  async isActive(networkId: string): Promise<boolean> {
    const { config } = await this.probe()
    return this.manager(config, networkId).isActive()
  }

  async existingNetworks(): Promise<string[]> {
    try {
      const entries = await readdir(this.options.config.dhcpConfsDir, { withFileTypes: true })
      return entries.filter((e) => e.isDirectory() && UUID_LIKE.test(e.name)).map((e) => e.name)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
  }

  private async doEnable(network: DhcpNetwork, dhcpPort: DhcpPort): Promise<void> {
    if (!hasDhcpSubnet(network)) {
      this.log.debug({ network_id: network.id }, 'no DHCP-enabled subnet; nothing to serve')
      return
    }
    const { config } = await this.probe()
    const paths = dnsmasqFilePaths(config, network.id)
    await mkdir(configDir(config, network.id), { recursive: true, mode: 0o755 })
    const device = await this.setupDevice(network, dhcpPort, config)
    await writeFileAtomic(paths.interface, device)
    const argv = dnsmasqArgs(network, config, device)
    const manager = this.manager(config, network.id)
    const running = await manager.cmdline()
    if (running !== undefined && (await manager.isActive())) {
      if (isSameCommandLine(running, argv)) {
        // An agent restart: keep serving without an outage, only bring the files up to date.
        await this.reload(network, dhcpPort, device)
        this.watch(network.id, argv, manager)
        this.log.info({ network_id: network.id, pid: await manager.pid() }, 'dnsmasq adopted')
        return
      }
      this.log.info(
        { network_id: network.id },
        'dnsmasq runs with another command line; restarting',
      )
      await manager.stop({ termTimeoutMs: this.options.termTimeoutMs })
    }
    await this.spawn(network, dhcpPort, device)
  }

  private async doReload(network: DhcpNetwork, dhcpPort: DhcpPort): Promise<void> {
    if (!hasDhcpSubnet(network)) {
      await this.doDisable(network.id, false)
      return
    }
    const { config } = await this.probe()
    const device = (await readFileIfExists(dnsmasqFilePaths(config, network.id).interface))?.trim()
    if (!device) {
      this.log.debug({ network_id: network.id }, 'network not enabled here; reload skipped')
      return
    }
    await this.reload(network, dhcpPort, device)
    await this.setDefaultRoutes(network, device)
  }

  private async doDisable(networkId: string, retainPort: boolean): Promise<void> {
    const { config } = await this.probe()
    const namespace = dhcpNamespace(networkId)
    const paths = dnsmasqFilePaths(config, networkId)
    // spec §4.10: unregister first, or the monitor brings it back.
    this.options.processMonitor.unregister(networkId, DNSMASQ_SERVICE)
    await this.manager(config, networkId).stop({ termTimeoutMs: this.options.termTimeoutMs })
    this.log.info({ network_id: networkId, retain_port: retainPort }, 'dnsmasq stopped')
    if (retainPort) return
    const device = (await readFileIfExists(paths.interface))?.trim()
    if (device) await this.options.interfaceDriver.unplug({ device, namespace })
    // A dnsmasq whose pid file was lost would keep the namespace alive.
    for (const pid of await killNamespaceProcesses(namespace)) {
      this.log.warn({ network_id: networkId, pid }, 'killed a leftover process in the namespace')
    }
    await deleteNamespace(namespace)
    await rm(configDir(config, networkId), { recursive: true, force: true })
    await this.options.interfaceDriver.deleteBridgeIfUnused(networkId)
  }

  /** Releases stale leases, rewrites host/addn_hosts/opts and HUPs dnsmasq (spawns it if dead). */
  private async reload(network: DhcpNetwork, dhcpPort: DhcpPort, device: string): Promise<void> {
    const { config, release6Supported } = await this.probe()
    const paths = dnsmasqFilePaths(config, network.id)
    const namespace = dhcpNamespace(network.id)
    await releaseStaleLeases(
      { namespace, device, hostFile: paths.host, leasesFile: paths.leases, release6Supported },
      network,
      this.log,
    )
    await this.writeConfigFiles(network, dhcpPort, config, paths)
    if (await this.manager(config, network.id).hup()) {
      this.log.debug({ network_id: network.id }, 'dnsmasq reloaded')
      return
    }
    await this.spawn(network, dhcpPort, device)
  }

  /** Writes the initial leases and the config files, starts dnsmasq and watches it. */
  private async spawn(network: DhcpNetwork, dhcpPort: DhcpPort, device: string): Promise<void> {
    const { config } = await this.probe()
    const paths = dnsmasqFilePaths(config, network.id)
    const now = this.options.nowSeconds?.() ?? Math.floor(Date.now() / 1000)
    // spec §4.7: the leases file is written only here, so dnsmasq does not NAK known clients.
    const existing = await readFileIfExists(paths.leases)
    await writeFileAtomic(paths.leases, renderInitialLeases(network, config, existing, now))
    await this.writeConfigFiles(network, dhcpPort, config, paths)
    const logDir = dnsmasqLogDir(config, network.id)
    if (logDir !== null) await mkdir(logDir, { recursive: true, mode: 0o755 })
    const argv = dnsmasqArgs(network, config, device)
    const manager = this.manager(config, network.id)
    await spawnDnsmasq(dhcpNamespace(network.id), argv, manager)
    this.watch(network.id, argv, manager)
    this.log.info({ network_id: network.id, pid: await manager.pid() }, 'dnsmasq started')
  }

  /** Registers dnsmasq with the monitor; a respawn reuses the command line and the files. */
  private watch(networkId: string, argv: readonly string[], manager: ProcessManager): void {
    const monitor = this.options.processMonitor
    const entry: WatchedProcess = {
      isActive: () => manager.isActive(),
      respawn: () =>
        this.queue.run(networkId, async () => {
          // Disabled or re-enabled meanwhile: that call owns the process now.
          if (!monitor.isRegistered(networkId, DNSMASQ_SERVICE, entry)) return
          if (await manager.isActive()) return
          await spawnDnsmasq(dhcpNamespace(networkId), argv, manager)
          this.log.info({ network_id: networkId, pid: await manager.pid() }, 'dnsmasq respawned')
        }),
    }
    monitor.register(networkId, DNSMASQ_SERVICE, entry)
  }

  private async writeConfigFiles(
    network: DhcpNetwork,
    dhcpPort: DhcpPort,
    config: DnsmasqConfig,
    paths: DnsmasqFilePaths,
  ): Promise<void> {
    const portIps = dhcpPort.fixed_ips.map((fixedIp) => fixedIp.ip_address)
    const files = renderDnsmasqFiles(network, config, portIps)
    if (files.dropped.length > 0) {
      this.log.warn(
        { network_id: network.id, dropped: files.dropped },
        'ports left out of dnsmasq files',
      )
    }
    await writeFileAtomic(paths.host, files.host)
    await writeFileAtomic(paths.addnHosts, files.addnHosts)
    await writeFileAtomic(paths.opts, files.opts)
  }

  /** Namespace, the DHCP port's device with its addresses, default routes (spec §3.8). */
  private async setupDevice(
    network: DhcpNetwork,
    dhcpPort: DhcpPort,
    config: DnsmasqConfig,
  ): Promise<string> {
    const namespace = dhcpNamespace(network.id)
    const interfaceDriver = this.options.interfaceDriver
    await setupDhcpNamespace(namespace)
    const device = await interfaceDriver.plug({
      networkId: network.id,
      portId: dhcpPort.id,
      macAddress: dhcpPort.mac_address,
      mtu: network.mtu,
      namespace,
    })
    try {
      await interfaceDriver.deleteStaleDevices(namespace, device)
      await interfaceDriver.initL3(namespace, device, deviceCidrs(network, dhcpPort, config))
      await this.setDefaultRoutes(network, device)
    } catch (error) {
      await interfaceDriver.unplug({ device, namespace }).catch((unplugError: unknown) => {
        this.log.warn(
          { err: unplugError, network_id: network.id },
          'could not unplug after failure',
        )
      })
      throw error
    }
    return device
  }

  private async setDefaultRoutes(network: DhcpNetwork, device: string): Promise<void> {
    const namespace = dhcpNamespace(network.id)
    for (const version of [4, 6] as const) {
      const gateway = defaultGateway(network.subnets, version)
      await this.options.interfaceDriver.setDefaultRoute(namespace, device, gateway, version)
    }
  }

  private manager(config: DnsmasqConfig, networkId: string): ProcessManager {
    const pidFile = dnsmasqFilePaths(config, networkId).pid
    return new ProcessManager({ uuid: networkId, service: DNSMASQ_SERVICE, pidFile })
  }

  /** Checks the host's dnsmasq once; the effective config carries the answer. */
  private probe(): Promise<Capabilities> {
    this.capabilities ??= Promise.all([probeHostTags(), probeDhcpRelease6()]).then(
      ([supportsHostTags, release6Supported]) => ({
        config: {
          ...this.options.config,
          supportsHostTags,
          bridged: this.options.interfaceDriver.bridged,
        },
        release6Supported,
      }),
    )
    return this.capabilities
  }
}
