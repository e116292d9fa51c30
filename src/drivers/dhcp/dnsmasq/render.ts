import type { DhcpNetwork } from '../../../common/dhcp-network.js'
import { renderAddnHostsFile } from './addn-hosts-file.js'
import type { DnsmasqConfig } from './dnsmasq-config.js'
import { renderHostFile } from './host-file.js'
import { renderOptsFile } from './opts-file.js'
import type { DroppedEntry } from './safety.js'

/** The three files rewritten on every reload (spec §4.4–4.6), plus the port entries left out. */
export interface DnsmasqFiles {
  readonly host: string
  readonly addnHosts: string
  readonly opts: string
  /** Each (port, reason) once, whichever files left the entry out. */
  readonly dropped: readonly DroppedEntry[]
}

/**
 * Renders the host, addn_hosts and opts files; `dhcpPortIps` are this agent's DHCP port's
 * addresses. Unsafe port data is dropped and reported; unsafe subnet or config values throw
 * `UnsafeDnsmasqValue` (see safety.ts).
 */
export function renderDnsmasqFiles(
  network: DhcpNetwork,
  config: DnsmasqConfig,
  dhcpPortIps: readonly string[],
): DnsmasqFiles {
  const host = renderHostFile(network, config)
  const addnHosts = renderAddnHostsFile(network, config)
  const opts = renderOptsFile(network, config, dhcpPortIps)
  const dropped = new Map<string, DroppedEntry>()
  for (const entry of [...host.dropped, ...addnHosts.dropped, ...opts.dropped]) {
    dropped.set(JSON.stringify([entry.portId, entry.reason]), entry)
  }
  return {
    host: host.text,
    addnHosts: addnHosts.text,
    opts: opts.text,
    dropped: [...dropped.values()],
  }
}
