import { describe, it, expect } from 'vitest'
import type { Cidr } from '../../../../src/common/net/cidr.js'
import {
  cidrContains,
  cidrContainsCidr,
  cidrFirst,
  cidrLast,
  cidrSize,
  cidrsOverlap,
  formatCidr,
  netmask,
  parseCidr,
} from '../../../../src/common/net/cidr.js'
import { parseIp } from '../../../../src/common/net/ip.js'

function cidr(text: string): Cidr {
  const parsed = parseCidr(text)
  if (parsed === undefined) throw new Error(`bad test CIDR ${text}`)
  return parsed.cidr
}

function ip(text: string) {
  const parsed = parseIp(text)
  if (parsed === undefined) throw new Error(`bad test address ${text}`)
  return parsed
}

describe('parseCidr', () => {
  it('reads an IPv4 prefix without host bits', () => {
    expect(parseCidr('10.0.0.0/24')).toEqual({
      cidr: { version: 4, network: 0x0a000000n, prefixlen: 24 },
      hostBitsSet: false,
    })
  })

  it('clears host bits and reports that the text had them set', () => {
    const parsed = parseCidr('10.0.0.5/24')
    expect(parsed?.hostBitsSet).toBe(true)
    expect(formatCidr(parsed!.cidr)).toBe('10.0.0.0/24')
  })

  it('reads an IPv6 prefix and writes its network canonically', () => {
    const parsed = parseCidr('2001:DB8:0:0::1/64')
    expect(parsed?.hostBitsSet).toBe(true)
    expect(formatCidr(parsed!.cidr)).toBe('2001:db8::/64')
    expect(formatCidr(cidr('::/0'))).toBe('::/0')
    expect(formatCidr(cidr('::1/128'))).toBe('::1/128')
  })

  it('accepts the extreme prefix lengths of each version', () => {
    expect(formatCidr(cidr('0.0.0.0/0'))).toBe('0.0.0.0/0')
    expect(formatCidr(cidr('1.2.3.4/32'))).toBe('1.2.3.4/32')
    expect(parseCidr('1.2.3.4/0')).toEqual({
      cidr: { version: 4, network: 0n, prefixlen: 0 },
      hostBitsSet: true,
    })
    expect(formatCidr(cidr('fd00::1/128'))).toBe('fd00::1/128')
  })

  it.each([
    ['10.0.0.0'],
    ['10.0.0.0/'],
    ['10.0.0.0/33'],
    ['::/129'],
    ['10.0.0.0/024'],
    ['10.0.0.0/+24'],
    ['10.0.0.0/-1'],
    ['10.0.0.0/24 '],
    ['10.0.0.0 /24'],
    ['10.0.0.0/2 4'],
    ['10.0.0.0/24/8'],
    ['10.0.0.0/0x18'],
    ['/24'],
    ['010.0.0.0/8'],
    ['fe80::%eth0/64'],
    ['10.0.0.0/255.255.255.0'],
  ])('rejects %j', (text) => {
    expect(parseCidr(text)).toBeUndefined()
  })
})

describe('prefix arithmetic', () => {
  it('gives the size, first and last address of an IPv4 prefix', () => {
    const c = cidr('198.18.0.0/24')
    expect(cidrSize(c)).toBe(256n)
    expect(cidrFirst(c)).toBe(ip('198.18.0.0').value)
    expect(cidrLast(c)).toBe(ip('198.18.0.255').value)
    expect(cidrSize(cidr('0.0.0.0/0'))).toBe(1n << 32n)
    expect(cidrSize(cidr('1.2.3.4/32'))).toBe(1n)
  })

  it('gives the size and last address of an IPv6 prefix', () => {
    const c = cidr('fd00:1::/64')
    expect(cidrSize(c)).toBe(1n << 64n)
    expect(cidrLast(c)).toBe(ip('fd00:1::ffff:ffff:ffff:ffff').value)
    expect(cidrSize(cidr('::/0'))).toBe(1n << 128n)
  })

  it('writes the dotted netmask of an IPv4 prefix', () => {
    expect(netmask(cidr('10.0.0.0/24'))).toBe('255.255.255.0')
    expect(netmask(cidr('10.0.0.0/23'))).toBe('255.255.254.0')
    expect(netmask(cidr('0.0.0.0/0'))).toBe('0.0.0.0')
    expect(netmask(cidr('10.0.0.1/32'))).toBe('255.255.255.255')
  })

  it('refuses a netmask for an IPv6 prefix', () => {
    expect(() => netmask(cidr('fd00::/64'))).toThrow(RangeError)
  })
})

describe('containment and overlap', () => {
  it('tells whether an address lies in a prefix', () => {
    const c = cidr('198.18.0.0/24')
    expect(cidrContains(c, ip('198.18.0.0'))).toBe(true)
    expect(cidrContains(c, ip('198.18.0.255'))).toBe(true)
    expect(cidrContains(c, ip('198.18.1.0'))).toBe(false)
    expect(cidrContains(c, ip('198.17.255.255'))).toBe(false)
    expect(cidrContains(cidr('0.0.0.0/0'), ip('255.255.255.255'))).toBe(true)
    expect(cidrContains(cidr('fd00::/64'), ip('fd00::ffff'))).toBe(true)
    expect(cidrContains(cidr('fd00::/64'), ip('fd00:0:0:1::'))).toBe(false)
  })

  it('never places an address in a prefix of the other version', () => {
    expect(cidrContains(cidr('::/0'), ip('10.0.0.1'))).toBe(false)
    expect(cidrContains(cidr('0.0.0.0/0'), ip('::'))).toBe(false)
    expect(cidrContains(cidr('::/96'), ip('0.0.0.1'))).toBe(false)
  })

  it('tells whether one prefix lies wholly inside another', () => {
    expect(cidrContainsCidr(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))).toBe(true)
    expect(cidrContainsCidr(cidr('10.0.0.0/8'), cidr('10.0.0.0/8'))).toBe(true)
    expect(cidrContainsCidr(cidr('10.1.0.0/16'), cidr('10.0.0.0/8'))).toBe(false)
    expect(cidrContainsCidr(cidr('10.0.0.0/8'), cidr('11.0.0.0/16'))).toBe(false)
    expect(cidrContainsCidr(cidr('::/0'), cidr('0.0.0.0/32'))).toBe(false)
  })

  it('finds overlap between nested, touching and disjoint prefixes', () => {
    expect(cidrsOverlap(cidr('10.0.0.0/8'), cidr('10.20.0.0/16'))).toBe(true)
    expect(cidrsOverlap(cidr('10.20.0.0/16'), cidr('10.0.0.0/8'))).toBe(true)
    expect(cidrsOverlap(cidr('10.0.0.0/24'), cidr('10.0.0.128/25'))).toBe(true)
    expect(cidrsOverlap(cidr('10.0.0.0/25'), cidr('10.0.0.128/25'))).toBe(false)
    expect(cidrsOverlap(cidr('10.0.1.0/24'), cidr('10.0.0.0/24'))).toBe(false)
    expect(cidrsOverlap(cidr('fd00::/64'), cidr('fd00::/48'))).toBe(true)
    expect(cidrsOverlap(cidr('fd00::/64'), cidr('fd00:0:0:1::/64'))).toBe(false)
  })

  it('never finds overlap between prefixes of different versions', () => {
    expect(cidrsOverlap(cidr('0.0.0.0/0'), cidr('::/0'))).toBe(false)
  })
})
