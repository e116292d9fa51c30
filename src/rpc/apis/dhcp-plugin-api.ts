import type { DhcpNetwork, DhcpPort } from '../../common/dhcp-network.js'
import { adminRpcContext } from '../rpc-context.js'
import type { RpcCaller } from '../types.js'

/**
 * The agent's side of Neutron's DhcpPluginApi (topic `q-plugin`, base version 1.0), spec §2.2.
 * Versions: 1.0 get_network_info, create/update/release_dhcp_port; 1.1 get_active_networks_info
 * and the `{'port': {...}}` payloads; 1.5 dhcp_ready_on_ports; 1.7 get_networks; 1.8
 * get_dhcp_port. Each method is sent with the version Neutron's agent uses for it.
 */
export const DHCP_PLUGIN_TOPIC = 'q-plugin'

/** A DHCP port request: what `create_dhcp_port` / `update_dhcp_port` carry inside `port`. */
export interface DhcpPortRequest {
  readonly network_id: string
  readonly device_id?: string
  readonly name?: string
  readonly admin_state_up?: boolean
  readonly project_id?: string
  readonly fixed_ips?: readonly { subnet_id: string; ip_address?: string }[]
}

/** The calls a DHCP agent makes to the server; each takes a fresh admin context. */
export class DhcpPluginApi {
  constructor(
    private readonly caller: RpcCaller,
    private readonly host: string,
  ) {}

  /** Every network this host's agent hosts, with all subnets and ports (a full sync). */
  getActiveNetworksInfo(): Promise<DhcpNetwork[]> {
    return this.caller
      .prepare({ version: '1.1' })
      .call<DhcpNetwork[]>(adminRpcContext(), 'get_active_networks_info', {
        host: this.host,
        enable_dhcp_filter: false,
      })
  }

  /** One network with its DHCP-enabled subnets and its ports, or null when it is gone. */
  getNetworkInfo(networkId: string): Promise<DhcpNetwork | null> {
    return this.caller.call<DhcpNetwork | null>(adminRpcContext(), 'get_network_info', {
      network_id: networkId,
      host: this.host,
    })
  }

  /** Creates this agent's DHCP port; null when the network or subnet went away. */
  createDhcpPort(port: DhcpPortRequest): Promise<DhcpPort | null> {
    return this.caller
      .prepare({ version: '1.1' })
      .call<DhcpPort | null>(adminRpcContext(), 'create_dhcp_port', {
        port: { port },
        host: this.host,
      })
  }

  /** Changes this agent's DHCP port (addresses, or adoption of a reserved port). */
  updateDhcpPort(portId: string, port: DhcpPortRequest): Promise<DhcpPort | null> {
    return this.caller
      .prepare({ version: '1.1' })
      .call<DhcpPort | null>(adminRpcContext(), 'update_dhcp_port', {
        port_id: portId,
        port: { port },
        host: this.host,
      })
  }

  /** Deletes the ports with this device id on the network. */
  async releaseDhcpPort(networkId: string, deviceId: string): Promise<void> {
    await this.caller.call(adminRpcContext(), 'release_dhcp_port', {
      network_id: networkId,
      device_id: deviceId,
      host: this.host,
    })
  }

  /** One port. */
  getDhcpPort(portId: string): Promise<DhcpPort> {
    return this.caller
      .prepare({ version: '1.8' })
      .call<DhcpPort>(adminRpcContext(), 'get_dhcp_port', { port_id: portId })
  }

  /** Tells the server these ports' DHCP entries are in place (their provisioning completes). */
  async dhcpReadyOnPorts(portIds: readonly string[]): Promise<void> {
    await this.caller
      .prepare({ version: '1.5' })
      .call(adminRpcContext(), 'dhcp_ready_on_ports', { port_ids: [...portIds] })
  }
}
