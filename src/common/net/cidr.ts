/**
 * CIDR prefixes: parsing, canonical text, containment and overlap. A `Cidr` always holds its
 * network address with the host bits cleared.
 */
import { formatIp, ipBits, ipFromValue, parseIp } from './ip.js'
import type { IpAddress, IpVersion } from './ip.js'

/** A CIDR prefix: version, network address (host bits clear) and prefix length in bits. */
export interface Cidr {
  readonly version: IpVersion
  readonly network: bigint
  readonly prefixlen: number
}

/** Mask of the host bits of a prefix of `prefixlen` bits for `version`. */
function hostMask(version: IpVersion, prefixlen: number): bigint {
  return (1n << BigInt(ipBits(version) - prefixlen)) - 1n
}

/** Parses the decimal prefix length `text[start, end)`: no sign, no leading zero, up to `max`. */
function parsePrefixlen(text: string, start: number, max: number): number | undefined {
  const length = text.length - start
  if (length < 1 || length > 3) return undefined
  if (length > 1 && text.charCodeAt(start) === 0x30) return undefined
  let value = 0
  for (let pos = start; pos < text.length; pos++) {
    const code = text.charCodeAt(pos)
    if (code < 0x30 || code > 0x39) return undefined
    value = value * 10 + (code - 0x30)
  }
  return value <= max ? value : undefined
}

/**
 * Parses `address/prefixlen`. The prefix length is required. `network` has the host bits cleared;
 * `hostBitsSet` tells that the text had some set (Neutron turns `10.0.0.5/24` into `10.0.0.0/24`).
 */
export function parseCidr(text: string): { cidr: Cidr; hostBitsSet: boolean } | undefined {
  const slash = text.indexOf('/')
  if (slash < 0) return undefined
  const ip = parseIp(text.slice(0, slash))
  if (ip === undefined) return undefined
  const prefixlen = parsePrefixlen(text, slash + 1, ipBits(ip.version))
  if (prefixlen === undefined) return undefined
  const mask = hostMask(ip.version, prefixlen)
  const network = ip.value & ~mask
  return {
    cidr: { version: ip.version, network, prefixlen },
    hostBitsSet: (ip.value & mask) !== 0n,
  }
}

/** Formats a prefix as `network/prefixlen`, the network in canonical address text. */
export function formatCidr(c: Cidr): string {
  return `${formatIp(ipFromValue(c.version, c.network))}/${c.prefixlen}`
}

/** Whether `ip` lies in the prefix; false when the versions differ. */
export function cidrContains(c: Cidr, ip: IpAddress): boolean {
  return ip.version === c.version && (ip.value & ~hostMask(c.version, c.prefixlen)) === c.network
}

/** Whether `inner` lies wholly inside `outer` (a prefix contains itself). */
export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.version === inner.version &&
    outer.prefixlen <= inner.prefixlen &&
    (inner.network & ~hostMask(outer.version, outer.prefixlen)) === outer.network
  )
}

/** Whether two prefixes share at least one address; false when the versions differ. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.network <= cidrLast(b) && b.network <= cidrLast(a)
}

/** Number of addresses in the prefix, network and broadcast included. */
export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(ipBits(c.version) - c.prefixlen)
}

/** Value of the first address of the prefix (its network address). */
export function cidrFirst(c: Cidr): bigint {
  return c.network
}

/** Value of the last address of the prefix (the broadcast address for IPv4). */
export function cidrLast(c: Cidr): bigint {
  return c.network | hostMask(c.version, c.prefixlen)
}

/** Dotted netmask of an IPv4 prefix (`255.255.255.0` for a /24); throws for IPv6. */
export function netmask(c: Cidr): string {
  if (c.version !== 4) throw new RangeError('netmask is defined for IPv4 prefixes only')
  return formatIp(ipFromValue(4, 0xffffffffn & ~hostMask(4, c.prefixlen)))
}
