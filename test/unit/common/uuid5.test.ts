import { describe, expect, it } from 'vitest'
import { dhcpAgentDeviceId } from '../../../src/common/dhcp-port.js'
import { NAMESPACE_DNS, uuid5 } from '../../../src/common/net/uuid5.js'

describe('uuid5', () => {
  // Values printed by CPython 3: uuid.uuid5(uuid.NAMESPACE_DNS, name).
  it.each([
    ['host1', '540ba512-ba2e-5213-b381-56c767787d41'],
    ['python.org', '886313e1-3b8a-5372-9b90-0c9aee199e5d'],
    ['mkm-instance01', '5292539d-fb71-5625-8e65-b0ace20a047d'],
    ['', '4ebd0208-8328-5d69-8c44-ec50939c0967'],
  ])('gives Python’s uuid5(NAMESPACE_DNS, %j)', (name, expected) => {
    expect(uuid5(NAMESPACE_DNS, name)).toBe(expected)
  })

  it('accepts a namespace in upper case', () => {
    expect(uuid5(NAMESPACE_DNS.toUpperCase(), 'host1')).toBe(uuid5(NAMESPACE_DNS, 'host1'))
  })

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuid5('not-a-uuid', 'host1')).toThrow(TypeError)
  })
})

describe('dhcpAgentDeviceId', () => {
  const networkId = '0b6d2e4c-4d2a-4f38-9d1c-1f7f5e0e7a11'

  it('hashes the short host name and appends the network id', () => {
    expect(dhcpAgentDeviceId(networkId, 'host1')).toBe(
      `dhcp540ba512-ba2e-5213-b381-56c767787d41-${networkId}`,
    )
  })

  it('ignores the domain part of the host name', () => {
    expect(dhcpAgentDeviceId(networkId, 'host1.example.org')).toBe(
      dhcpAgentDeviceId(networkId, 'host1'),
    )
  })
})
