import type { AttributeMap } from './attributes.js'
import { readOnlyAttribute, standardAttributes } from './common-attributes.js'
import {
  aBoolean,
  aDict,
  aList,
  aMac,
  anInteger,
  anIp,
  aString,
  aUuid,
  oneOf,
  orNull,
} from './validators.js'

const extraDhcpOptFields = aDict(
  {
    opt_name: aString(64, { oneLine: true, nonEmpty: true }),
    opt_value: orNull(aString(255, { oneLine: true })),
    ip_version: oneOf([4, 6], anInteger()),
  },
  ['opt_name', 'opt_value'],
)

/** One `extra_dhcp_opts` entry (ip_version defaults to 4); values that could break a dnsmasq line are refused. */
const extraDhcpOpt = (value: unknown): unknown => ({
  ip_version: 4,
  ...(extraDhcpOptFields(value) as object),
})

/** `/v2.0/ports` attributes. */
export const portAttributes: AttributeMap = {
  ...standardAttributes,
  name: { allowPost: true, allowPut: true, check: aString(255), default: () => '' },
  network_id: { allowPost: true, allowPut: false, required: true, check: aUuid },
  admin_state_up: { allowPost: true, allowPut: true, check: aBoolean, default: () => true },
  mac_address: { allowPost: true, allowPut: true, check: aMac },
  fixed_ips: {
    allowPost: true,
    allowPut: true,
    check: aList(aDict({ subnet_id: aUuid, ip_address: anIp }, [])),
  },
  device_id: { allowPost: true, allowPut: true, check: aString(255), default: () => '' },
  device_owner: { allowPost: true, allowPut: true, check: aString(255), default: () => '' },
  extra_dhcp_opts: {
    allowPost: true,
    allowPut: true,
    check: (value) => (value === null ? [] : aList(extraDhcpOpt)(value)),
  },
  'binding:host_id': { allowPost: true, allowPut: true, check: aString(255) },
  status: readOnlyAttribute,
  'binding:vif_type': readOnlyAttribute,
  'binding:vif_details': readOnlyAttribute,
  ip_allocation: readOnlyAttribute,
}
