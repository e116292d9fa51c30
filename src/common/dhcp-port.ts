import { NAMESPACE_DNS, uuid5 } from './net/uuid5.js'

/** The device_id a DHCP port gets when its network leaves an agent, so the next one adopts it. */
export const DEVICE_ID_RESERVED_DHCP_PORT = 'reserved_dhcp_port'

/**
 * The device_id of the DHCP port a host's agent uses on a network (spec §3.8):
 * `dhcp` + uuid5(NAMESPACE_DNS, short host name) + `-` + network id. Only the part of the host
 * name before the first dot is hashed, so `host1` and `host1.example.org` agree.
 */
export function dhcpAgentDeviceId(networkId: string, host: string): string {
  const shortHost = host.split('.')[0] ?? ''
  return `dhcp${uuid5(NAMESPACE_DNS, shortHost)}-${networkId}`
}
