import type { DhcpNetwork } from '../../../common/dhcp-network.js'
import { canonicalIp, parseIp } from '../../../common/net/ip.js'
import type { DnsmasqConfig } from './dnsmasq-config.js'
import { allSubnets, iterHosts } from './hosts.js'
import { lineBreakReason } from './safety.js'

/** An IPv4 lease of dnsmasq's lease DB: `<expiry> <mac> <ip> <hostname|*> <client-id|*>`. */
export interface Ipv4Lease {
  /** Expiry, seconds since the epoch; 0 = infinite. */
  readonly expiry: number
  readonly mac: string
  readonly ip: string
  readonly hostname: string | null
  readonly clientId: string | null
}

/** An IPv6 lease: `<expiry> <iaid> <ip> <hostname|*> <client-duid|*>`, with the server's duid. */
export interface Ipv6Lease {
  /** Expiry, seconds since the epoch; 0 = infinite. */
  readonly expiry: number
  readonly iaid: string
  readonly ip: string
  readonly hostname: string | null
  readonly clientDuid: string | null
  /** The first `duid` line before it (the server's DUID), or null when none came first. */
  readonly serverDuid: string | null
}

/** A dnsmasq lease DB parsed; malformed lines are skipped. */
export interface ParsedLeases {
  readonly v4: readonly Ipv4Lease[]
  readonly v6: readonly Ipv6Lease[]
  /** The server DUIDs of the `duid` lines, in file order. */
  readonly serverDuids: readonly string[]
}

const orNull = (field: string): string | null => (field === '*' ? null : field)

/**
 * Parses dnsmasq's lease DB text (spec §4.7) as Neutron's `_read_leases_file_leases` does: `duid`
 * lines give the server DUID, lease lines need exactly 5 blank-separated fields.
 */
export function parseLeases(text: string): ParsedLeases {
  const v4: Ipv4Lease[] = []
  const v6: Ipv6Lease[] = []
  const serverDuids: string[] = []
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/)
    if (line.startsWith('duid')) {
      if (fields[1] !== undefined) serverDuids.push(fields[1])
      continue
    }
    const [expiryText, id, ipText, hostname, client] = fields
    if (fields.length !== 5 || expiryText === undefined || id === undefined) continue
    if (ipText === undefined || hostname === undefined || client === undefined) continue
    const ip = ipText.replace(/^\[|\]$/g, '')
    const version = parseIp(ip)?.version
    const expiry = Number(expiryText)
    if (version === undefined || !Number.isSafeInteger(expiry)) continue
    if (version === 4) {
      v4.push({ expiry, mac: id, ip, hostname: orNull(hostname), clientId: orNull(client) })
    } else {
      const serverDuid = serverDuids[0] ?? null
      v6.push({
        expiry,
        iaid: id,
        ip,
        hostname: orNull(hostname),
        clientDuid: orNull(client),
        serverDuid,
      })
    }
  }
  return { v4, v6, serverDuids }
}

/** The `duid` lines and the IPv6 lease lines (by canonical address) of an existing lease DB. */
function existingLines(text: string | undefined): { duids: string[]; v6: Map<string, string> } {
  const duids: string[] = []
  const v6 = new Map<string, string>()
  for (const line of (text ?? '').split('\n')) {
    if (lineBreakReason('lease line', line) !== undefined) continue
    if (line.startsWith('duid ')) {
      duids.push(line)
      continue
    }
    const fields = line.split(' ')
    const ip = fields[2] === undefined ? undefined : parseIp(fields[2])
    if (fields.length === 5 && ip?.version === 6) v6.set(canonicalIp(fields[2] ?? '') ?? '', line)
  }
  return { duids, v6 }
}

/**
 * The leases file written when dnsmasq is spawned (spec §4.7): the `duid` lines of `existingText`,
 * then per served address in host order either `<expiry> <mac> <ip> * *` (DHCP-enabled IPv4
 * subnet; expiry `nowSeconds` + lease duration, or 0 when infinite) or the existing lease line of
 * an address on a DHCP-enabled IPv6 subnet (its IAID cannot be made up). Lines end with `\n`.
 */
export function renderInitialLeases(
  network: DhcpNetwork,
  config: DnsmasqConfig,
  existingText: string | undefined,
  nowSeconds: number,
): string {
  const expiry =
    config.dhcpLeaseDuration === -1 ? 0 : Math.floor(nowSeconds) + config.dhcpLeaseDuration
  const dhcpSubnets = allSubnets(network).filter((subnet) => subnet.enable_dhcp)
  const v4SubnetIds = new Set(dhcpSubnets.filter((s) => s.ip_version === 4).map((s) => s.id))
  const v6SubnetIds = new Set(dhcpSubnets.filter((s) => s.ip_version === 6).map((s) => s.id))
  const existing = existingLines(existingText)
  const lines = [...existing.duids]
  for (const entry of iterHosts(network, config, { mergeAddr6List: false }).entries) {
    const address = entry.addresses[0]
    if (entry.noDhcp || address === undefined) continue
    if (v4SubnetIds.has(entry.subnetId)) {
      lines.push(`${expiry} ${entry.port.mac_address} ${address} * *`)
      continue
    }
    const kept = existing.v6.get(canonicalIp(address) ?? '')
    if (v6SubnetIds.has(entry.subnetId) && kept !== undefined) lines.push(kept)
  }
  return lines.map((line) => `${line}\n`).join('')
}
