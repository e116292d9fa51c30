import { DEVICE_ID_RESERVED_DHCP_PORT, dhcpAgentDeviceId } from '../common/dhcp-port.js'
import type { DhcpNetwork, DhcpPort } from '../common/dhcp-network.js'
import { DEVICE_OWNER_DHCP } from '../common/resources.js'
import type { DhcpPluginApi } from '../rpc/apis/dhcp-plugin-api.js'

/** The agent could not get a DHCP port with an address on every DHCP subnet (resync). */
export class DhcpPortUnavailable extends Error {
  constructor(networkId: string, reason: string) {
    super(`no usable DHCP port on network ${networkId}: ${reason}`)
    this.name = 'DhcpPortUnavailable'
  }
}

function dhcpSubnetIds(network: DhcpNetwork): string[] {
  return network.subnets.filter((s) => s.enable_dhcp).map((s) => s.id)
}

function missingSubnets(port: DhcpPort, subnetIds: readonly string[]): string[] {
  const have = new Set(port.fixed_ips.map((ip) => ip.subnet_id))
  return subnetIds.filter((id) => !have.has(id))
}

/** Keeps the addresses on still-enabled subnets and asks for one on each new DHCP subnet. */
function wantedFixedIps(port: DhcpPort, subnetIds: readonly string[]) {
  const enabled = new Set(subnetIds)
  const kept = port.fixed_ips
    .filter((ip) => enabled.has(ip.subnet_id))
    .map((ip) => ({ subnet_id: ip.subnet_id, ip_address: ip.ip_address }))
  const keptSubnets = new Set(kept.map((ip) => ip.subnet_id))
  return [
    ...kept,
    ...subnetIds.filter((id) => !keptSubnets.has(id)).map((id) => ({ subnet_id: id })),
  ]
}

/**
 * The agent's DHCP port on a network (spec §3.8, DeviceManager.setup_dhcp_port): its own port
 * (device_id `dhcp<uuid5(host)>-<network>`) with addresses brought in line with the DHCP
 * subnets, else a `reserved_dhcp_port` adopted, else a new one. Needs no RPC when the network
 * model already shows the agent's port with the right subnets.
 */
export async function setupDhcpPort(
  api: DhcpPluginApi,
  network: DhcpNetwork,
  host: string,
): Promise<DhcpPort> {
  const deviceId = dhcpAgentDeviceId(network.id, host)
  const subnetIds = dhcpSubnetIds(network)
  const own = network.ports.find((p) => p.device_id === deviceId)
  const reserved = network.ports.find(
    (p) => p.device_id === DEVICE_ID_RESERVED_DHCP_PORT && p.device_owner === DEVICE_OWNER_DHCP,
  )
  let port: DhcpPort | null
  if (own) {
    const ownSubnets = new Set(own.fixed_ips.map((ip) => ip.subnet_id))
    const same = ownSubnets.size === subnetIds.length && subnetIds.every((id) => ownSubnets.has(id))
    port = same
      ? own
      : await api.updateDhcpPort(own.id, {
          network_id: network.id,
          fixed_ips: wantedFixedIps(own, subnetIds),
        })
  } else if (reserved) {
    port = await api.updateDhcpPort(reserved.id, { network_id: network.id, device_id: deviceId })
  } else {
    port = await api.createDhcpPort({
      name: '',
      admin_state_up: true,
      device_id: deviceId,
      network_id: network.id,
      project_id: network.project_id,
      fixed_ips: subnetIds.map((id) => ({ subnet_id: id })),
    })
  }
  if (!port) throw new DhcpPortUnavailable(network.id, 'the server did not create or update it')
  if (missingSubnets(port, subnetIds).length > 0) {
    port = await api.getDhcpPort(port.id)
    const missing = missingSubnets(port, subnetIds)
    if (missing.length > 0) {
      throw new DhcpPortUnavailable(network.id, `no address on subnets ${missing.join(', ')}`)
    }
  }
  return port
}
