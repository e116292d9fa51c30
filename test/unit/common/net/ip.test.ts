import { describe, it, expect } from 'vitest'
import {
  canonicalIp,
  compareIp,
  formatIp,
  ipBits,
  ipFromValue,
  parseIp,
} from '../../../../src/common/net/ip.js'

describe('parseIp', () => {
  it('reads an IPv4 dotted quad into its 32-bit value', () => {
    expect(parseIp('192.168.1.10')).toEqual({ version: 4, value: 0xc0a8010an })
    expect(parseIp('0.0.0.0')).toEqual({ version: 4, value: 0n })
    expect(parseIp('255.255.255.255')).toEqual({ version: 4, value: 0xffffffffn })
  })

  it.each([
    ['1.2.3'],
    ['256.1.1.1'],
    ['1.2.3.4.5'],
    ['1.2.3.4 '],
    [' 1.2.3.4'],
    ['1.2.3.4\n'],
    ['010.0.0.1'],
    ['1.2.3.00'],
    ['1.2.3.'],
    ['.1.2.3'],
    ['1..2.3'],
    ['1.2.3.-4'],
    ['1.2.3.+4'],
    ['1.2.3.1000'],
    ['0x1.2.3.4'],
    ['16909060'],
    [''],
    ['a.b.c.d'],
    ['١.2.3.4'],
  ])('rejects %j as an IPv4 address', (text) => {
    expect(parseIp(text)).toBeUndefined()
  })

  it('reads full and compressed IPv6 text into its 128-bit value', () => {
    expect(parseIp('2001:db8:0:0:1:0:0:1')?.value).toBe(0x20010db8000000000001000000000001n)
    expect(parseIp('2001:DB8::1:0:0:1')?.value).toBe(0x20010db8000000000001000000000001n)
    expect(parseIp('::')).toEqual({ version: 6, value: 0n })
    expect(parseIp('::1')).toEqual({ version: 6, value: 1n })
    expect(parseIp('1::')).toEqual({ version: 6, value: 1n << 112n })
    expect(parseIp('1:2:3:4:5:6:7::')?.value).toBe(0x00010002000300040005000600070000n)
    expect(parseIp('::2:3:4:5:6:7:8')?.value).toBe(0x00000002000300040005000600070008n)
  })

  it('reads an IPv6 address with an embedded IPv4 tail', () => {
    expect(parseIp('::ffff:1.2.3.4')?.value).toBe(0xffff01020304n)
    expect(parseIp('::1.2.3.4')?.value).toBe(0x01020304n)
    expect(parseIp('1:2:3:4:5:6:1.2.3.4')?.value).toBe(0x00010002000300040005000601020304n)
    expect(parseIp('64:ff9b::192.0.2.33')?.value).toBe(0x0064ff9b0000000000000000c0000221n)
  })

  it.each([
    [':::'],
    ['1::2::3'],
    ['12345::'],
    [':'],
    [':1::'],
    ['1::2:'],
    [':1:2:3:4:5:6:7'],
    ['1:2:3:4:5:6:7:'],
    ['1:2:3:4:5:6:7'],
    ['1:2:3:4:5:6:7:8:9'],
    ['1:2:3:4:5:6:7:8::'],
    ['::1:2:3:4:5:6:7:8'],
    ['1:2:3:4::5:6:7:8'],
    ['fe80::1%eth0'],
    ['[::1]'],
    ['::g'],
    [' ::1'],
    ['::1 '],
    ['1.2.3.4::'],
    ['::1.2.3.4:1'],
    ['::1.2.3'],
    ['::010.1.2.3'],
    ['::256.1.2.3'],
    ['1:2:3:4:5:6:7:1.2.3.4'],
    ['::ffff:1.2.3.4.5'],
    ['1:2:3:4:5:6:7:8:'],
    ['0000:0000:0000:0000:0000:0000:255.255.255.2550'],
  ])('rejects %j as an IPv6 address', (text) => {
    expect(parseIp(text)).toBeUndefined()
  })
})

describe('formatIp', () => {
  it.each([
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:0', '2001:db8:0:0:1::'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:DB8::AAAA:0:0:1', '2001:db8::aaaa:0:0:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['0:0:0:0:0:0:0:fffe', '::fffe'],
    ['1:0:2:0:3:0:4:0', '1:0:2:0:3:0:4:0'],
    ['fe80::0f:00ab', 'fe80::f:ab'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ])('writes %s in RFC 5952 form as %s', (text, canonical) => {
    expect(canonicalIp(text)).toBe(canonical)
  })

  it('keeps the dotted quad of an IPv4-mapped address', () => {
    expect(canonicalIp('0:0:0:0:0:FFFF:0102:0304')).toBe('::ffff:1.2.3.4')
    expect(canonicalIp('::ffff:0.0.0.0')).toBe('::ffff:0.0.0.0')
  })

  it('writes other embedded IPv4 addresses in hex', () => {
    expect(canonicalIp('::1.2.3.4')).toBe('::102:304')
    expect(canonicalIp('64:ff9b::192.0.2.33')).toBe('64:ff9b::c000:221')
  })

  it('writes an IPv4 address as a dotted quad', () => {
    expect(formatIp({ version: 4, value: 0x0a000001n })).toBe('10.0.0.1')
    expect(canonicalIp('0.0.0.0')).toBe('0.0.0.0')
    expect(canonicalIp('255.255.255.255')).toBe('255.255.255.255')
  })

  it('answers undefined for text that is not an address', () => {
    expect(canonicalIp('not an ip')).toBeUndefined()
  })
})

describe('ipFromValue', () => {
  it('builds an address from a value in range', () => {
    expect(formatIp(ipFromValue(4, 0xc6120001n))).toBe('198.18.0.1')
    expect(formatIp(ipFromValue(6, (1n << 128n) - 1n))).toBe(
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    )
  })

  it('throws for a value outside the version range', () => {
    expect(() => ipFromValue(4, 1n << 32n)).toThrow(RangeError)
    expect(() => ipFromValue(6, 1n << 128n)).toThrow(RangeError)
    expect(() => ipFromValue(4, -1n)).toThrow(RangeError)
  })

  it('gives the address width of each version in bits', () => {
    expect(ipBits(4)).toBe(32)
    expect(ipBits(6)).toBe(128)
  })
})

describe('compareIp', () => {
  it('sorts IPv4 before IPv6, then by value', () => {
    const texts = ['::1', '10.0.0.2', '::', '10.0.0.10', '9.255.255.255']
    const sorted = texts
      .map((text) => parseIp(text)!)
      .sort(compareIp)
      .map(formatIp)
    expect(sorted).toEqual(['9.255.255.255', '10.0.0.2', '10.0.0.10', '::', '::1'])
  })

  it('answers zero for equal addresses', () => {
    expect(compareIp(parseIp('::1')!, parseIp('0::0:1')!)).toBe(0)
  })
})
