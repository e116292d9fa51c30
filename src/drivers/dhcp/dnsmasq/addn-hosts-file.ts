import type { DhcpNetwork } from '../../../common/dhcp-network.js'
import type { DnsmasqConfig } from './dnsmasq-config.js'
import type { RenderedFile } from './host-file.js'
import { iterHosts } from './hosts.js'

/**
 * The `--addn-hosts` text (spec §4.5), /etc/hosts syntax: `<ip>\t<fqdn> <hostname>\n` for every
 * (port, fixed IP), DHCP-enabled subnet or not. FQDN first, so PTR answers return it.
 */
export function renderAddnHostsFile(network: DhcpNetwork, config: DnsmasqConfig): RenderedFile {
  const { entries, dropped } = iterHosts(network, config, { mergeAddr6List: false })
  let text = ''
  for (const entry of entries) {
    for (const address of entry.addresses) text += `${address}\t${entry.fqdn} ${entry.hostname}\n`
  }
  return { text, dropped }
}
