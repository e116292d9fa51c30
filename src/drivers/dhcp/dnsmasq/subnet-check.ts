import type { DhcpSubnet } from '../../../common/dhcp-network.js'
import { parseCidr } from '../../../common/net/cidr.js'
import { parseIp } from '../../../common/net/ip.js'
import { UnsafeDnsmasqValue, tagTokenReason } from './safety.js'

/** Throws unless `text` is an IP address (addresses hold no separator dnsmasq could trip on). */
function assertIp(field: string, text: string): void {
  if (parseIp(text) === undefined) {
    throw new UnsafeDnsmasqValue(
      field,
      text,
      `${field} ${JSON.stringify(text)} is not an IP address`,
    )
  }
}

/** Throws unless `text` is a CIDR (host bits may be set, as in a host route `20.0.0.1/24`). */
function assertCidr(field: string, text: string): void {
  if (parseCidr(text) === undefined) {
    throw new UnsafeDnsmasqValue(field, text, `${field} ${JSON.stringify(text)} is not a CIDR`)
  }
}

/**
 * Returns the subnet after checking every field the renderers write: id, CIDR, gateway,
 * nameservers and host routes. Throws `UnsafeDnsmasqValue` on the first bad one (the server's
 * API validates them, so only a broken server sends one).
 */
export function checkedSubnet(subnet: DhcpSubnet): DhcpSubnet {
  const idReason = tagTokenReason('subnet id', subnet.id)
  if (idReason !== undefined) throw new UnsafeDnsmasqValue('subnet id', subnet.id, idReason)
  assertCidr(`subnet ${subnet.id} cidr`, subnet.cidr)
  if (subnet.gateway_ip !== null) assertIp(`subnet ${subnet.id} gateway_ip`, subnet.gateway_ip)
  for (const server of subnet.dns_nameservers) {
    assertIp(`subnet ${subnet.id} dns_nameservers`, server)
  }
  for (const route of subnet.host_routes) {
    assertCidr(`subnet ${subnet.id} host_routes destination`, route.destination)
    assertIp(`subnet ${subnet.id} host_routes nexthop`, route.nexthop)
  }
  return subnet
}
