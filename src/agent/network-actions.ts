import type { Logger } from 'pino'
import { dhcpAgentDeviceId } from '../common/dhcp-port.js'
import type { DhcpNetwork, DhcpPort } from '../common/dhcp-network.js'
import type { DhcpPluginApi } from '../rpc/apis/dhcp-plugin-api.js'
import type { DhcpDriver } from '../drivers/dhcp/dhcp-driver.js'
import { setupDhcpPort } from './dhcp-port-setup.js'
import type { NetworkCache } from './network-cache.js'

/** The network model with the agent's DHCP port in it (as the server will list it). */
function withPort(network: DhcpNetwork, port: DhcpPort): DhcpNetwork {
  return { ...network, ports: [...network.ports.filter((p) => p.id !== port.id), port] }
}

function dhcpCidrs(network: DhcpNetwork): string {
  return [...network.subnets, ...network.non_local_subnets]
    .filter((s) => s.enable_dhcp)
    .map((s) => s.cidr)
    .sort()
    .join(',')
}

/**
 * What the agent does to one network (spec §3.4, §3.6): configure, enable, refresh, reload,
 * disable. Each runs in the network's turn of the update queue, so one network's actions never
 * overlap. `ready` collects ports whose DHCP entries are in place.
 */
export class NetworkActions {
  /** The agent's DHCP port on each network it serves. */
  readonly dhcpPorts = new Map<string, DhcpPort>()

  constructor(
    private readonly deps: {
      readonly api: DhcpPluginApi
      readonly driver: DhcpDriver
      readonly cache: NetworkCache
      readonly host: string
      readonly ready: (portIds: readonly string[]) => void
      readonly log: Logger
    },
  ) {}

  /** This agent's DHCP port device id on a network. */
  deviceId(networkId: string): string {
    return dhcpAgentDeviceId(networkId, this.deps.host)
  }

  /** Serves a network as the server described it; a network without DHCP subnets is not served. */
  async configure(network: DhcpNetwork): Promise<void> {
    const { cache, driver } = this.deps
    if (!network.admin_state_up) return
    if (!network.subnets.some((s) => s.enable_dhcp)) {
      if (cache.get(network.id) || (await driver.isActive(network.id)))
        await this.disable(network.id)
      return
    }
    const port = await setupDhcpPort(this.deps.api, network, this.deps.host)
    const model = withPort(network, port)
    await driver.enable(model, port)
    this.dhcpPorts.set(network.id, port)
    cache.put(model)
    this.deps.ready(model.ports.map((p) => p.id))
  }

  /** network_create_end and friends: fetch the network and serve it. */
  async enable(networkId: string): Promise<void> {
    const network = await this.deps.api.getNetworkInfo(networkId)
    if (!network) {
      if (this.deps.cache.get(networkId)) await this.disable(networkId)
      return
    }
    await this.configure(network)
  }

  /** Subnet changes: same DHCP CIDRs → reload; different → restart (spec §3.6). */
  async refresh(networkId: string): Promise<void> {
    const old = this.deps.cache.get(networkId)
    if (!old) return this.enable(networkId)
    const network = await this.deps.api.getNetworkInfo(networkId)
    if (!network || !network.subnets.some((s) => s.enable_dhcp)) return this.disable(networkId)
    const port = await setupDhcpPort(this.deps.api, network, this.deps.host)
    const model = withPort(network, port)
    const previousPort = this.dhcpPorts.get(networkId)
    const sameAddresses =
      previousPort !== undefined &&
      JSON.stringify(previousPort.fixed_ips) === JSON.stringify(port.fixed_ips)
    this.dhcpPorts.set(networkId, port)
    this.deps.cache.put(model)
    if (dhcpCidrs(old) === dhcpCidrs(model) && sameAddresses) {
      await this.deps.driver.reloadAllocations(model, port)
    } else {
      // spec §3.6: a changed CIDR set means restart, not reload
      await this.deps.driver.restart(model, port)
    }
    this.deps.ready(model.ports.map((p) => p.id))
  }

  /** Rewrites the files of a cached network and signals its DHCP server. */
  async reload(networkId: string): Promise<void> {
    const network = this.deps.cache.get(networkId)
    const port = this.dhcpPorts.get(networkId)
    if (!network || !port) return
    await this.deps.driver.reloadAllocations(network, port)
  }

  /** Restarts a cached network's DHCP server (the agent's own port changed its addresses). */
  async restart(networkId: string): Promise<void> {
    const network = this.deps.cache.get(networkId)
    const port = this.dhcpPorts.get(networkId)
    if (!network || !port) return
    await this.deps.driver.restart(network, port)
  }

  /** Stops serving; unless `retainPort`, hands the DHCP port back to the server. */
  async disable(networkId: string, options: { retainPort?: boolean } = {}): Promise<void> {
    await this.deps.driver.disable(networkId, options)
    if (!options.retainPort) {
      this.deps.cache.remove(networkId)
      this.dhcpPorts.delete(networkId)
      await this.deps.api
        .releaseDhcpPort(networkId, this.deviceId(networkId))
        .catch((error: unknown) =>
          this.deps.log.warn(
            { err: error, network_id: networkId },
            'could not release the DHCP port',
          ),
        )
    }
  }
}
