/**
 * What may go into a dnsmasq file. dnsmasq reads its host, addn_hosts, opts and leases files line
 * by line, splits dhcp-host lines at commas, hosts lines and lease lines at blanks, and gives `"`
 * (quoting) and `#` (comment) a meaning. Values are written as given, never escaped; a value that
 * could break out of its line or field is refused instead:
 *
 * - Everywhere: NUL, CR and LF (checked after the opts file's newline cut, see `cutAtNewline`).
 * - Host, addn_hosts and leases fields taken from a port (port id, MAC, client id, hostname,
 *   FQDN): also blanks and other control characters, `,`, `"` and `#`. IP addresses must parse.
 *
 * Who pays: port data (a tenant or a hostile server controls it) never stops other ports from
 * being served. A bad port id, MAC or client id drops the port's entries from every file; a bad
 * address or name drops that (port, address) entry; a bad extra DHCP option drops that option.
 * Each drop is returned as a `DroppedEntry` for the caller to log. Subnet data (validated by the
 * server's API) and agent config are trusted less loosely: a bad value throws
 * `UnsafeDnsmasqValue`, since no correct server or config produces one.
 */

/** A port entry left out of a file, and why (for the caller to log). */
export interface DroppedEntry {
  readonly portId: string
  readonly reason: string
}

/** A subnet or config value that cannot be rendered into a dnsmasq file or argument; the message says why. */
export class UnsafeDnsmasqValue extends RangeError {
  constructor(
    readonly field: string,
    readonly value: string,
    reason: string,
  ) {
    super(reason)
    this.name = 'UnsafeDnsmasqValue'
  }
}

const LINE_BREAK = /[\0\r\n]/
// Controls, blanks, and the characters dnsmasq's file readers split or quote at.
const FIELD_BREAK = /[\0-\x20\x7f,"#]/
// Tag names (`set:port-<id>`, `tag:subnet-<id>`): what a Neutron UUID-like id is made of.
const TAG_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** Why `value` could break out of a line (NUL, CR, LF), or undefined when it cannot. */
export function lineBreakReason(field: string, value: string): string | undefined {
  return LINE_BREAK.test(value)
    ? `${field} ${JSON.stringify(value)} holds a line break or NUL`
    : undefined
}

/** Why `value` could break out of a comma- or blank-separated field, or undefined. */
export function fieldBreakReason(field: string, value: string): string | undefined {
  if (value === '') return `${field} is empty`
  const bad = FIELD_BREAK.exec(value)
  return bad === null
    ? undefined
    : `${field} ${JSON.stringify(value)} holds ${JSON.stringify(bad[0])}`
}

/** Why `value` is not a safe tag suffix (ids in `set:`/`tag:` names), or undefined. */
export function tagTokenReason(field: string, value: string): string | undefined {
  return TAG_TOKEN.test(value)
    ? undefined
    : `${field} ${JSON.stringify(value)} is not a safe tag name`
}

/** Throws `UnsafeDnsmasqValue` when `check` finds a reason to refuse `value`. */
export function assertSafe(
  field: string,
  value: string,
  check: (field: string, value: string) => string | undefined,
): void {
  const reason = check(field, value)
  if (reason !== undefined) throw new UnsafeDnsmasqValue(field, value, reason)
}

/** `text` up to its first LF, as Neutron cuts extra DHCP option names and values. */
export function cutAtNewline(text: string): string {
  const newline = text.indexOf('\n')
  return newline < 0 ? text : text.slice(0, newline)
}
