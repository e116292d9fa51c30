/**
 * IP addresses as (version, integer) pairs: strict parsing of IPv4 dotted quads and RFC 4291 IPv6
 * text, and canonical RFC 5952 formatting. Pure functions, no regular expressions on the hot path.
 */

/** The IP version of an address or prefix. */
export type IpVersion = 4 | 6

/** An IP address: its version and its value as an unsigned integer of 32 or 128 bits. */
export interface IpAddress {
  readonly version: IpVersion
  readonly value: bigint
}

const MAX_V4 = 0xffffffffn
const MAX_V6 = (1n << 128n) - 1n
/** Longest IPv6 text we accept: `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`. */
const MAX_V6_TEXT = 45

/** Width of an address of `version`, in bits. */
export function ipBits(version: IpVersion): 32 | 128 {
  return version === 4 ? 32 : 128
}

/** Builds an address from its integer value; throws a RangeError when it does not fit. */
export function ipFromValue(version: IpVersion, value: bigint): IpAddress {
  const max = version === 4 ? MAX_V4 : MAX_V6
  if (value < 0n || value > max) {
    throw new RangeError(`${value} is not an IPv${version} address value`)
  }
  return { version, value }
}

/**
 * Parses an IPv4 dotted quad or an IPv6 address; undefined when the text is not exactly one.
 * Rejects IPv4 octets with leading zeros, whitespace anywhere, IPv6 zone ids and brackets.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseV6(text)
    return value === undefined ? undefined : { version: 6, value }
  }
  const value = parseV4(text, 0, text.length)
  return value === undefined ? undefined : { version: 4, value: BigInt(value) }
}

/** Formats an address: dotted quad for IPv4, RFC 5952 canonical text for IPv6. */
export function formatIp(ip: IpAddress): string {
  return ip.version === 4 ? formatV4(Number(ip.value)) : formatV6(ip.value)
}

/** Canonical text of an address given as text, or undefined when the text is not an address. */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text)
  return ip === undefined ? undefined : formatIp(ip)
}

/** Orders addresses: every IPv4 address before every IPv6 address, then by value. */
export function compareIp(a: IpAddress, b: IpAddress): number {
  if (a.version !== b.version) return a.version - b.version
  if (a.value === b.value) return 0
  return a.value < b.value ? -1 : 1
}

/** Parses `text[start, end)` as a dotted quad into an unsigned 32-bit number. */
function parseV4(text: string, start: number, end: number): number | undefined {
  if (end - start < 7 || end - start > 15) return undefined
  let value = 0
  let octets = 0
  let pos = start
  while (pos <= end) {
    let octet = 0
    let digits = 0
    while (pos < end) {
      const code = text.charCodeAt(pos)
      if (code < 0x30 || code > 0x39) break
      // No leading zeros: `010` could be read as octal by other tools.
      if (digits === 1 && octet === 0) return undefined
      octet = octet * 10 + (code - 0x30)
      digits++
      pos++
    }
    if (digits === 0 || digits > 3 || octet > 255) return undefined
    value = value * 256 + octet
    octets++
    if (pos === end) break
    if (text.charCodeAt(pos) !== 0x2e || octets === 4) return undefined
    pos++
  }
  return octets === 4 ? value : undefined
}

/** Value of one hex digit, or -1. */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  const lower = code | 0x20
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10
  return -1
}

/** Parses `text[start, end)` as one IPv6 group of 1 to 4 hex digits. */
function parseGroup(text: string, start: number, end: number): number | undefined {
  if (end <= start || end - start > 4) return undefined
  let value = 0
  for (let pos = start; pos < end; pos++) {
    const digit = hexDigit(text.charCodeAt(pos))
    if (digit < 0) return undefined
    value = value * 16 + digit
  }
  return value
}

/**
 * Parses `text[start, end)` as colon-separated groups into `groups`, with an optional dotted quad
 * as the last piece when `allowV4` is set. Returns false on any malformed piece.
 */
function parseGroups(
  text: string,
  start: number,
  end: number,
  allowV4: boolean,
  groups: number[],
): boolean {
  if (start === end) return true
  let pos = start
  for (;;) {
    let colon = text.indexOf(':', pos)
    if (colon < 0 || colon > end) colon = end
    const isLast = colon === end
    if (isLast && allowV4 && text.lastIndexOf('.', end - 1) >= pos) {
      const v4 = parseV4(text, pos, end)
      if (v4 === undefined) return false
      groups.push(Math.floor(v4 / 0x10000), v4 % 0x10000)
      return true
    }
    const group = parseGroup(text, pos, colon)
    if (group === undefined) return false
    groups.push(group)
    if (isLast) return true
    pos = colon + 1
  }
}

/** Parses RFC 4291 IPv6 text (with `::` and an IPv4 tail) into a 128-bit value. */
function parseV6(text: string): bigint | undefined {
  if (text.length < 2 || text.length > MAX_V6_TEXT) return undefined
  const gap = text.indexOf('::')
  const head: number[] = []
  const tail: number[] = []
  if (gap < 0) {
    if (!parseGroups(text, 0, text.length, true, head) || head.length !== 8) return undefined
  } else {
    if (text.indexOf('::', gap + 1) >= 0) return undefined
    const tailStart = gap + 2
    if (!parseGroups(text, 0, gap, false, head)) return undefined
    if (!parseGroups(text, tailStart, text.length, true, tail)) return undefined
    // `::` stands for at least one zero group.
    if (head.length + tail.length > 7) return undefined
  }
  let value = 0n
  for (const group of head) value = (value << 16n) | BigInt(group)
  value <<= BigInt(16 * (8 - head.length))
  let tailValue = 0n
  for (const group of tail) tailValue = (tailValue << 16n) | BigInt(group)
  return value | tailValue
}

function formatV4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`
}

/** RFC 5952: lowercase, no leading zeros, the first longest run of 2+ zero groups as `::`. */
function formatV6(value: bigint): string {
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad (as glibc's inet_ntop writes them).
  // Deprecated IPv4-compatible ones (`::1.2.3.4`) get hex groups, where glibc keeps the quad.
  if (value >> 32n === 0xffffn) return `::ffff:${formatV4(Number(value & MAX_V4))}`
  const groups: number[] = []
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn))
  let bestStart = -1
  let bestLength = 1
  let runStart = -1
  for (let i = 0; i <= 8; i++) {
    if (i < 8 && groups[i] === 0) {
      if (runStart < 0) runStart = i
      continue
    }
    if (runStart >= 0 && i - runStart > bestLength) {
      bestStart = runStart
      bestLength = i - runStart
    }
    runStart = -1
  }
  const hex = groups.map((group) => group.toString(16))
  if (bestStart < 0) return hex.join(':')
  const left = hex.slice(0, bestStart).join(':')
  const right = hex.slice(bestStart + bestLength).join(':')
  return `${left}::${right}`
}
