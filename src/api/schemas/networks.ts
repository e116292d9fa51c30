import type { AttributeMap } from './attributes.js'
import { readOnlyAttribute, standardAttributes } from './common-attributes.js'
import { aBoolean, aList, anInteger, aString } from './validators.js'

/** `/v2.0/networks` attributes. */
export const networkAttributes: AttributeMap = {
  ...standardAttributes,
  name: { allowPost: true, allowPut: true, check: aString(255), default: () => '' },
  admin_state_up: { allowPost: true, allowPut: true, check: aBoolean, default: () => true },
  shared: { allowPost: true, allowPut: true, check: aBoolean, default: () => false },
  mtu: { allowPost: true, allowPut: true, check: anInteger(68, 65535) },
  availability_zone_hints: {
    allowPost: true,
    allowPut: false,
    check: aList(aString(255, { oneLine: true, nonEmpty: true }), { unique: 'availability zone' }),
    default: () => [],
  },
  status: readOnlyAttribute,
  subnets: readOnlyAttribute,
  availability_zones: readOnlyAttribute,
  port_security_enabled: readOnlyAttribute,
  'router:external': readOnlyAttribute,
}
