import type { DhcpNetwork, DhcpPort } from '../../../src/common/dhcp-network.js'
import type { DhcpDriver } from '../../../src/drivers/dhcp/dhcp-driver.js'

/** One call the agent made to its driver. */
export interface DriverCall {
  readonly action: 'enable' | 'disable' | 'restart' | 'reload'
  readonly networkId: string
  readonly network?: DhcpNetwork
  readonly port?: DhcpPort
  readonly retainPort?: boolean
}

/** A DhcpDriver that records calls and keeps "served" networks in memory (agent logic tests). */
export class RecordingDriver implements DhcpDriver {
  readonly calls: DriverCall[] = []
  readonly served = new Map<string, DhcpNetwork>()
  /** How long a reload takes (ms), as rewriting files and signalling dnsmasq does. */
  reloadDelayMs = 0

  async enable(network: DhcpNetwork, port: DhcpPort): Promise<void> {
    this.calls.push({ action: 'enable', networkId: network.id, network, port })
    this.served.set(network.id, network)
  }

  async disable(networkId: string, options: { retainPort?: boolean } = {}): Promise<void> {
    this.calls.push({ action: 'disable', networkId, retainPort: options.retainPort ?? false })
    this.served.delete(networkId)
  }

  async restart(network: DhcpNetwork, port: DhcpPort): Promise<void> {
    this.calls.push({ action: 'restart', networkId: network.id, network, port })
    this.served.set(network.id, network)
  }

  async reloadAllocations(network: DhcpNetwork, port: DhcpPort): Promise<void> {
    this.calls.push({ action: 'reload', networkId: network.id, network, port })
    if (this.reloadDelayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.reloadDelayMs))
    this.served.set(network.id, network)
  }

  async isActive(networkId: string): Promise<boolean> {
    return this.served.has(networkId)
  }

  async existingNetworks(): Promise<string[]> {
    return [...this.served.keys()]
  }

  /** The calls of one action on one network. */
  of(action: DriverCall['action'], networkId: string): DriverCall[] {
    return this.calls.filter((c) => c.action === action && c.networkId === networkId)
  }

  /** The model the driver serves a network with now. */
  model(networkId: string): DhcpNetwork | undefined {
    return this.served.get(networkId)
  }
}
