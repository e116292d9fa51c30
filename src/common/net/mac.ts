/**
 * MAC addresses: Neutron's validation and canonical form, random generation from `base_mac`, and
 * modified EUI-64 interface ids for SLAAC addresses.
 */
import type { Cidr } from './cidr.js'
import type { IpAddress } from './ip.js'
import { ipFromValue } from './ip.js'

/** Ways netaddr's EUI-48 parser splits a MAC: separators allowed, pieces, digits per piece. */
const LAYOUTS: readonly { seps: string; parts: number; minDigits: number; maxDigits: number }[] = [
  { seps: ':-', parts: 6, minDigits: 1, maxDigits: 2 },
  { seps: ':-.', parts: 3, minDigits: 1, maxDigits: 4 },
  { seps: ':-', parts: 2, minDigits: 5, maxDigits: 6 },
]
const ALL_ONES = 0xffffffffffff
const TWO_POW_24 = 0x1000000

/** Value of one hex digit, or -1. */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  const lower = code | 0x20
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10
  return -1
}

/** Value of the hex digits `text[start, end)`, or -1 when one is not a hex digit. */
function hexValue(text: string, start: number, end: number): number {
  let value = 0
  for (let pos = start; pos < end; pos++) {
    const digit = hexDigit(text.charCodeAt(pos))
    if (digit < 0) return -1
    value = value * 16 + digit
  }
  return value
}

/** Splits `text` on its single kind of separator; undefined when it mixes `:`, `-` and `.`. */
function splitOnSeparator(text: string): { sep: string; parts: string[] } | undefined {
  let sep = ''
  for (const candidate of ':-.') {
    if (!text.includes(candidate)) continue
    if (sep !== '') return undefined
    sep = candidate
  }
  return { sep, parts: sep === '' ? [text] : text.split(sep) }
}

/**
 * Parses any MAC text netaddr's `valid_mac` accepts into its 48-bit value (no all-zero or
 * broadcast check). Forms: 6 groups of 1-2 hex digits joined by `:` or `-`; 3 groups of 1-4
 * joined by `:`, `-` or `.` (Cisco); 2 groups of 5-6 joined by `:` or `-` (PostgreSQL); 11 or 12
 * bare hex digits.
 */
function parseMacValue(text: string): number | undefined {
  if (text.length < 5 || text.length > 17) return undefined
  const split = splitOnSeparator(text)
  if (split === undefined) return undefined
  const { sep, parts } = split
  if (sep === '') {
    const value = hexValue(text, 0, text.length)
    return text.length >= 11 && text.length <= 12 && value >= 0 ? value : undefined
  }
  const layout = LAYOUTS.find((l) => l.parts === parts.length && l.seps.includes(sep))
  if (layout === undefined) return undefined
  const base = 2 ** (48 / layout.parts)
  let value = 0
  for (const part of parts) {
    if (part.length < layout.minDigits || part.length > layout.maxDigits) return undefined
    const word = hexValue(part, 0, part.length)
    if (word < 0) return undefined
    value = value * base + word
  }
  return value
}

/** Lowercase colon form `aa:bb:cc:dd:ee:ff` of a 48-bit value. */
function formatMac(value: number): string {
  const hex = value.toString(16).padStart(12, '0')
  let text = hex.slice(0, 2)
  for (let pos = 2; pos < 12; pos += 2) text += ':' + hex.slice(pos, pos + 2)
  return text
}

/**
 * Validates a MAC address as neutron-lib's `validate_mac_address` does and returns it in Neutron's
 * sanitized form (lowercase, colons, two digits per octet). Accepts every netaddr EUI-48 text
 * form (see `parseMacValue`; even `1.2.3` is one), rejects whitespace and the two addresses in
 * `INVALID_MAC_ADDRESSES` (`00:00:00:00:00:00`, `ff:ff:ff:ff:ff:ff`) in any form. Multicast MACs
 * are accepted, as in Neutron.
 */
export function parseMac(text: string): string | undefined {
  const value = parseMacValue(text)
  if (value === undefined || value === 0 || value === ALL_ONES) return undefined
  return formatMac(value)
}

/** Parses one `base_mac` octet (1-2 hex digits) or throws. */
function baseOctet(text: string | undefined): number {
  const value = text === undefined || text.length > 2 ? -1 : hexValue(text, 0, text.length)
  if (text === '' || value < 0) throw new RangeError(`base_mac octet '${text}' is not hex`)
  return value
}

/**
 * Neutron's `get_random_mac(base_mac.split(':'))`: keeps the first three octets of `baseMac`, keeps
 * the fourth unless it is the text `00`, and fills the rest with `randomByte()` (0..255), which is
 * called three times like Python's `getrandbits(8)`. Throws on a malformed `baseMac`.
 */
export function generateMac(baseMac: string, randomByte: () => number): string {
  const base = baseMac.split(':')
  if (base.length !== 6) throw new RangeError(`base_mac '${baseMac}' does not have 6 octets`)
  const mac = [baseOctet(base[0]), baseOctet(base[1]), baseOctet(base[2])]
  for (let i = 0; i < 3; i++) {
    const byte = randomByte()
    if (!Number.isInteger(byte) || byte < 0 || byte > 255) {
      throw new RangeError(`random byte ${byte} is not in 0..255`)
    }
    mac.push(byte)
  }
  if (base[3] !== '00') mac[3] = baseOctet(base[3])
  return mac.map((octet) => octet.toString(16).padStart(2, '0')).join(':')
}

/**
 * The SLAAC address of `mac` in `prefix` (Neutron's `get_ipv6_addr_by_EUI64`): the modified
 * EUI-64 id (`ff:fe` inserted mid-MAC, universal/local bit flipped) added to the prefix's network.
 * Throws a RangeError for an IPv4 prefix, a malformed MAC, or a sum past the last IPv6 address.
 */
export function eui64Address(prefix: Cidr, mac: string): IpAddress {
  if (prefix.version !== 6) throw new RangeError('EUI-64 addresses need an IPv6 prefix')
  const value = parseMacValue(mac)
  if (value === undefined) throw new RangeError(`'${mac}' is not a MAC address`)
  const oui = BigInt(Math.floor(value / TWO_POW_24))
  const nic = BigInt(value % TWO_POW_24)
  const eui64 = (oui << 40n) | (0xfffen << 24n) | nic
  // Same order as Neutron: (first + eui64) ^ (1 << 57), which only differs for prefixes past /64.
  return ipFromValue(6, (prefix.network + eui64) ^ (1n << 57n))
}
