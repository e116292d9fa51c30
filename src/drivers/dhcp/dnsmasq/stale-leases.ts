import type { DhcpNetwork } from '../../../common/dhcp-network.js'
import { canonicalIp, parseIp } from '../../../common/net/ip.js'
import { clientIdOf } from './hosts.js'
import { parseLeases } from './leases-file.js'
import type { Ipv6Lease } from './leases-file.js'

/** An IPv4 lease to release with `dhcp_release <iface> <ip> <mac> [<clientId>]`. */
export interface Ipv4Release {
  readonly ip: string
  readonly mac: string
  readonly clientId: string | null
}

/** An IPv6 lease to release with `dhcp_release6 --ip --iaid --client-id --server-id`. */
export interface Ipv6Release {
  readonly ip: string
  readonly iaid: string
  readonly clientDuid: string
  readonly serverDuid: string
}

/** The leases `reload_allocations` releases before rewriting the files (spec §4.8). */
export interface StaleLeases {
  readonly v4: readonly Ipv4Release[]
  readonly v6: readonly Ipv6Release[]
}

/** An (ip, mac, client id) triple of Neutron's lease sets; `ip` canonical. */
export interface LeaseTriple {
  readonly ip: string
  readonly mac: string
  readonly clientId: string | null
}

/** Set key of a triple: MACs compare case-insensitively (dnsmasq writes them lowercase). */
const keyOf = (lease: LeaseTriple): string =>
  JSON.stringify([lease.ip, lease.mac.toLowerCase(), lease.clientId])

/**
 * The (ip, mac, client id) triples of a host file (Neutron's `_read_hosts_file_leases`): lines
 * with only a `set:` tag are skipped, `tag:` fields passed over, `id:` gives the client id.
 */
export function hostFileLeases(text: string): LeaseTriple[] {
  const leases: LeaseTriple[] = []
  for (const line of text.split('\n')) {
    const fields = line.trim().split(',')
    const mac = fields[0] ?? ''
    let index = 1
    while (fields[index]?.startsWith('tag:') === true) index++
    const first = fields[index]
    if (mac === '' || first === undefined || first.startsWith('set:')) continue
    const clientId = first.startsWith('id:') ? first.slice('id:'.length) : null
    for (const field of fields.slice(index)) {
      const ip = canonicalIp(field.replace(/^\[|\]$/g, ''))
      if (ip !== undefined) leases.push({ ip, mac, clientId })
    }
  }
  return leases
}

/**
 * Leases to release (spec §4.8): triples of the lease DB (IPv4) or the current host file that no
 * port of `network` has any more, except a lease with a client id whose triple without one is
 * in both the host file and the network. Only addresses still in the lease DB are returned; IPv6
 * ones take IAID and DUIDs from it (and are skipped without a client and a server DUID).
 */
export function leasesToRelease(
  hostFileText: string | undefined,
  leasesText: string | undefined,
  network: DhcpNetwork,
): StaleLeases {
  const current = parseLeases(leasesText ?? '')
  const v6ByIp = new Map<string, Ipv6Lease>()
  for (const lease of current.v6) v6ByIp.set(canonicalIp(lease.ip) ?? lease.ip, lease)
  const v4Ips = new Set(current.v4.map((lease) => canonicalIp(lease.ip) ?? lease.ip))
  const old = hostFileLeases(hostFileText ?? '')
  const oldKeys = new Set(old.map(keyOf))
  const newKeys = new Set(portLeases(network).map(keyOf))
  const candidates = new Map<string, LeaseTriple>()
  for (const lease of current.v4) {
    const triple = {
      ip: canonicalIp(lease.ip) ?? lease.ip,
      mac: lease.mac,
      clientId: lease.clientId,
    }
    candidates.set(keyOf(triple), triple)
  }
  for (const lease of old) candidates.set(keyOf(lease), lease)
  const v4: Ipv4Release[] = []
  const v6 = new Map<string, Ipv6Release>()
  for (const [key, lease] of candidates) {
    if (newKeys.has(key)) continue
    const withoutId = keyOf({ ...lease, clientId: null })
    // spec §4.8: a client id the port does not set is no reason to release
    if (lease.clientId !== null && oldKeys.has(withoutId) && newKeys.has(withoutId)) continue
    if (v4Ips.has(lease.ip)) v4.push(lease)
    const v6Lease = v6ByIp.get(lease.ip)
    if (v6Lease?.clientDuid != null && v6Lease.serverDuid !== null) {
      const { iaid, clientDuid, serverDuid } = v6Lease
      v6.set(lease.ip, { ip: lease.ip, iaid, clientDuid, serverDuid })
    }
  }
  return { v4, v6: [...v6.values()] }
}

/** Every (ip, mac, client id) of every port of the network. */
function portLeases(network: DhcpNetwork): LeaseTriple[] {
  const leases: LeaseTriple[] = []
  for (const port of network.ports) {
    const clientId = clientIdOf(port) ?? null
    for (const fixedIp of port.fixed_ips) {
      const ip =
        parseIp(fixedIp.ip_address) === undefined ? undefined : canonicalIp(fixedIp.ip_address)
      if (ip !== undefined) leases.push({ ip, mac: port.mac_address, clientId })
    }
  }
  return leases
}
