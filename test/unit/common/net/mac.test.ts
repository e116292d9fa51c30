import { describe, it, expect } from 'vitest'
import { parseCidr } from '../../../../src/common/net/cidr.js'
import type { Cidr } from '../../../../src/common/net/cidr.js'
import { formatIp } from '../../../../src/common/net/ip.js'
import { eui64Address, generateMac, parseMac } from '../../../../src/common/net/mac.js'

function cidr(text: string): Cidr {
  const parsed = parseCidr(text)
  if (parsed === undefined) throw new Error(`bad test CIDR ${text}`)
  return parsed.cidr
}

/** A randomByte that returns the given bytes in order and counts its calls. */
function bytes(...values: number[]) {
  const source = { calls: 0, next: () => values[source.calls++] ?? 0 }
  return source
}

describe('parseMac', () => {
  it.each([
    ['fa:16:3e:33:44:55', 'fa:16:3e:33:44:55'],
    ['FA:16:3E:33:44:55', 'fa:16:3e:33:44:55'],
    ['fa-16-3e-33-44-55', 'fa:16:3e:33:44:55'],
    ['FA163E334455', 'fa:16:3e:33:44:55'],
    ['fa16.3e33.4455', 'fa:16:3e:33:44:55'],
    ['fa16:3e33:4455', 'fa:16:3e:33:44:55'],
    ['fa16-3e33-4455', 'fa:16:3e:33:44:55'],
    ['fa163e:334455', 'fa:16:3e:33:44:55'],
    ['fa163e-334455', 'fa:16:3e:33:44:55'],
    ['a:b:c:d:e:f', '0a:0b:0c:0d:0e:0f'],
    ['1.2.3', '00:01:00:02:00:03'],
    ['a163e334455', '0a:16:3e:33:44:55'],
  ])('accepts %s in a netaddr form and writes it as %s', (text, canonical) => {
    expect(parseMac(text)).toBe(canonical)
  })

  it('accepts multicast MACs, as neutron-lib does', () => {
    expect(parseMac('01:00:5e:00:00:01')).toBe('01:00:5e:00:00:01')
    expect(parseMac('33:33:00:00:00:01')).toBe('33:33:00:00:00:01')
  })

  it.each([
    ['00:00:00:00:00:00'],
    ['ff:ff:ff:ff:ff:ff'],
    ['FF-FF-FF-FF-FF-FF'],
    ['000000000000'],
    ['ffff.ffff.ffff'],
    ['0:0:0:0:0:0'],
  ])('rejects the all-zero and broadcast address %s in any form', (text) => {
    expect(parseMac(text)).toBeUndefined()
  })

  it.each([
    [''],
    ['fa:16:3e:33:44'],
    ['fa:16:3e:33:44:55:66'],
    ['fa:16:3e:33:44:555'],
    ['fa:16:3e:33:44:5g'],
    ['fa:16-3e:33:44:55'],
    ['fa.16.3e.33.44.55'],
    ['fa:16:3e:33:44:55 '],
    [' fa:16:3e:33:44:55'],
    ['fa:16:3e:33:44:55\n'],
    ['fa:16:3e::44:55'],
    ['fa163e3344556'],
    ['fa163e3344'],
    ['fa163.e33445'],
    ['fa16:334455'],
    ['0xfa163e334455'],
  ])('rejects %j', (text) => {
    expect(parseMac(text)).toBeUndefined()
  })
})

describe('generateMac', () => {
  it('keeps the first three octets of base_mac and randomises the rest when the fourth is 00', () => {
    const random = bytes(0x01, 0xab, 0x0f)
    expect(generateMac('fa:16:3e:00:00:00', random.next)).toBe('fa:16:3e:01:ab:0f')
    expect(random.calls).toBe(3)
  })

  it('keeps the fourth octet of base_mac when it is not 00', () => {
    const random = bytes(0x99, 0x02, 0xfe)
    expect(generateMac('fa:16:3e:4f:00:00', random.next)).toBe('fa:16:3e:4f:02:fe')
    expect(random.calls).toBe(3)
  })

  it('ignores the last two octets of base_mac', () => {
    expect(generateMac('FA:16:3E:00:12:34', bytes(0, 0, 0).next)).toBe('fa:16:3e:00:00:00')
  })

  it('throws for a base_mac without six hex octets', () => {
    expect(() => generateMac('fa:16:3e:00:00', bytes().next)).toThrow(RangeError)
    expect(() => generateMac('fa:16:zz:00:00:00', bytes().next)).toThrow(RangeError)
    expect(() => generateMac('fa::3e:00:00:00', bytes().next)).toThrow(RangeError)
    expect(() => generateMac('fa:16:3e:4g:00:00', bytes().next)).toThrow(RangeError)
  })

  it('throws when the random source leaves 0..255', () => {
    expect(() => generateMac('fa:16:3e:00:00:00', bytes(256).next)).toThrow(RangeError)
    expect(() => generateMac('fa:16:3e:00:00:00', bytes(1.5).next)).toThrow(RangeError)
  })
})

describe('eui64Address', () => {
  it('puts the modified EUI-64 id of the MAC in the /64 prefix', () => {
    const address = eui64Address(cidr('2001:db8::/64'), 'fa:16:3e:33:44:55')
    expect(formatIp(address)).toBe('2001:db8::f816:3eff:fe33:4455')
  })

  it('sets the universal/local bit when the MAC has it clear', () => {
    expect(formatIp(eui64Address(cidr('2001:db8::/64'), '00:01:02:03:04:05'))).toBe(
      '2001:db8::201:2ff:fe03:405',
    )
  })

  it('accepts any netaddr MAC form, even the all-zero address', () => {
    expect(formatIp(eui64Address(cidr('fd00:1:2:3::/64'), 'FA16.3E33.4455'))).toBe(
      'fd00:1:2:3:f816:3eff:fe33:4455',
    )
    expect(formatIp(eui64Address(cidr('fe80::/64'), '00:00:00:00:00:00'))).toBe(
      'fe80::200:ff:fe00:0',
    )
  })

  it('throws for an IPv4 prefix or a malformed MAC', () => {
    expect(() => eui64Address(cidr('10.0.0.0/24'), 'fa:16:3e:33:44:55')).toThrow(RangeError)
    expect(() => eui64Address(cidr('2001:db8::/64'), 'fa:16:3e:33:44')).toThrow(RangeError)
  })
})
