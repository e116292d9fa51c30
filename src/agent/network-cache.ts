import type { DhcpNetwork, DhcpPort } from '../common/dhcp-network.js'

/** How long a deleted port's id is remembered to drop late updates about it (seconds). */
const DELETED_PORT_MAX_AGE_MS = 86_400_000

/**
 * The networks an agent serves, as last told by the server (spec §3.3): lookups by subnet and
 * port, and the staleness rule for port messages (an older revision, or a deleted port).
 */
export class NetworkCache {
  private readonly networks = new Map<string, DhcpNetwork>()
  private readonly subnetNetwork = new Map<string, string>()
  private readonly portNetwork = new Map<string, string>()
  private readonly deletedPorts = new Map<string, number>()

  constructor(private readonly now: () => number = Date.now) {}

  get(networkId: string): DhcpNetwork | undefined {
    return this.networks.get(networkId)
  }

  networkIds(): string[] {
    return [...this.networks.keys()]
  }

  /** Replaces a network (and its lookups). */
  put(network: DhcpNetwork): void {
    this.remove(network.id)
    this.networks.set(network.id, network)
    for (const subnet of [...network.subnets, ...network.non_local_subnets]) {
      this.subnetNetwork.set(subnet.id, network.id)
    }
    for (const port of network.ports) this.portNetwork.set(port.id, network.id)
  }

  remove(networkId: string): void {
    const old = this.networks.get(networkId)
    if (!old) return
    this.networks.delete(networkId)
    for (const subnet of [...old.subnets, ...old.non_local_subnets])
      this.subnetNetwork.delete(subnet.id)
    for (const port of old.ports) this.portNetwork.delete(port.id)
  }

  networkOfSubnet(subnetId: string): DhcpNetwork | undefined {
    const networkId = this.subnetNetwork.get(subnetId)
    return networkId === undefined ? undefined : this.networks.get(networkId)
  }

  port(portId: string): DhcpPort | undefined {
    const networkId = this.portNetwork.get(portId)
    return this.networks.get(networkId ?? '')?.ports.find((p) => p.id === portId)
  }

  /** Adds or replaces a port in its (cached) network. */
  putPort(port: DhcpPort): void {
    const network = this.networks.get(port.network_id)
    if (!network) return
    const ports = network.ports.filter((p) => p.id !== port.id)
    ports.push(port)
    this.networks.set(network.id, { ...network, ports })
    this.portNetwork.set(port.id, network.id)
  }

  /** Removes a port and remembers it as deleted. */
  removePort(portId: string): void {
    this.deletedPorts.set(portId, this.now())
    const networkId = this.portNetwork.get(portId)
    this.portNetwork.delete(portId)
    const network = this.networks.get(networkId ?? '')
    if (network)
      this.networks.set(network.id, {
        ...network,
        ports: network.ports.filter((p) => p.id !== portId),
      })
  }

  /** spec §3.3: a port message is stale if the cache holds a newer revision or the port is deleted. */
  isPortMessageStale(port: Pick<DhcpPort, 'id' | 'revision_number'>): boolean {
    if (this.deletedPorts.has(port.id)) return true
    const cached = this.port(port.id)
    return cached !== undefined && cached.revision_number > port.revision_number
  }

  /** Forgets deleted ports older than a day. */
  expireDeletedPorts(): void {
    const cutoff = this.now() - DELETED_PORT_MAX_AGE_MS
    for (const [id, at] of this.deletedPorts) if (at < cutoff) this.deletedPorts.delete(id)
  }

  /** The counts the state report carries (spec §3.3 get_state). */
  state(): { networks: number; subnets: number; ports: number } {
    let subnets = 0
    let ports = 0
    for (const network of this.networks.values()) {
      subnets += network.subnets.length + network.non_local_subnets.length
      ports += network.ports.length
    }
    return { networks: this.networks.size, subnets, ports }
  }
}
