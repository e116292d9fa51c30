import type { AttributeMap } from './attributes.js'
import { readOnlyAttribute, standardAttributes } from './common-attributes.js'
import {
  aBoolean,
  aCidr,
  aDict,
  aList,
  anInteger,
  anIp,
  aString,
  aUuid,
  oneOf,
  orNull,
} from './validators.js'

const ipv6Modes = ['slaac', 'dhcpv6-stateful', 'dhcpv6-stateless']

/** `/v2.0/subnets` attributes. */
export const subnetAttributes: AttributeMap = {
  ...standardAttributes,
  name: { allowPost: true, allowPut: true, check: aString(255), default: () => '' },
  network_id: { allowPost: true, allowPut: false, required: true, check: aUuid },
  ip_version: {
    allowPost: true,
    allowPut: false,
    required: true,
    check: oneOf([4, 6], anInteger()),
  },
  cidr: { allowPost: true, allowPut: false, required: true, check: aCidr },
  gateway_ip: { allowPost: true, allowPut: true, check: orNull(anIp) },
  allocation_pools: {
    allowPost: true,
    allowPut: true,
    check: aList(aDict({ start: anIp, end: anIp }, ['start', 'end'])),
  },
  dns_nameservers: {
    allowPost: true,
    allowPut: true,
    check: aList(anIp, { unique: 'nameserver' }),
    default: () => [],
  },
  host_routes: {
    allowPost: true,
    allowPut: true,
    check: aList(aDict({ destination: aCidr, nexthop: anIp }, ['destination', 'nexthop']), {
      unique: 'hostroute',
    }),
    default: () => [],
  },
  enable_dhcp: { allowPost: true, allowPut: true, check: aBoolean, default: () => true },
  ipv6_ra_mode: {
    allowPost: true,
    allowPut: false,
    check: orNull(oneOf(ipv6Modes)),
    default: () => null,
  },
  ipv6_address_mode: {
    allowPost: true,
    allowPut: false,
    check: orNull(oneOf(ipv6Modes)),
    default: () => null,
  },
  segment_id: { allowPost: true, allowPut: false, check: orNull(aUuid) },
  dns_publish_fixed_ip: readOnlyAttribute,
  subnetpool_id: readOnlyAttribute,
  service_types: readOnlyAttribute,
}
