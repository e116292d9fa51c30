import type { DhcpNetwork, DhcpPort } from '../../common/dhcp-network.js'

/**
 * What the DHCP agent asks of a DHCP backend (spec §4.1). The agent owns the network model and
 * the DHCP port (it talks to the server); the driver owns everything on the host: namespace,
 * device, config files and the DHCP server process.
 */
export interface DhcpDriver {
  /**
   * Starts serving the network with the agent's DHCP port: namespace, device with the port's
   * addresses, config files, DHCP server. Adopts a server already running with the same
   * configuration instead of restarting it.
   */
  enable(network: DhcpNetwork, dhcpPort: DhcpPort): Promise<void>
  /** Stops serving. Without `retainPort`, also removes the device, namespace and config dir. */
  disable(networkId: string, options?: { retainPort?: boolean }): Promise<void>
  /** Stops and starts again (the set of DHCP subnets, or the DHCP port's addresses, changed). */
  restart(network: DhcpNetwork, dhcpPort: DhcpPort): Promise<void>
  /** Rewrites the host, addn_hosts and opts files, releases stale leases, signals the server. */
  reloadAllocations(network: DhcpNetwork, dhcpPort: DhcpPort): Promise<void>
  /** Whether the network's DHCP server is running. */
  isActive(networkId: string): Promise<boolean>
  /** Networks with state on disk (config dirs named by network id), from an earlier run too. */
  existingNetworks(): Promise<string[]>
}
