import { posix } from 'node:path'
import type { DhcpNetwork, DhcpSubnet } from '../../../common/dhcp-network.js'
import { cidrSize, netmask, parseCidr } from '../../../common/net/cidr.js'
import { formatIp, ipFromValue } from '../../../common/net/ip.js'
import type { DnsmasqConfig } from './dnsmasq-config.js'
import { dnsmasqFilePaths } from './dnsmasq-config.js'
import { allSubnets } from './hosts.js'
import { UnsafeDnsmasqValue, fieldBreakReason } from './safety.js'
import { checkedSubnet } from './subnet-check.js'

/** `<lease>` of `--dhcp-range`: `<seconds>s`, or `infinite` for a duration of -1. */
export function leaseText(config: Pick<DnsmasqConfig, 'dhcpLeaseDuration'>): string {
  return config.dhcpLeaseDuration === -1 ? 'infinite' : `${config.dhcpLeaseDuration}s`
}

/**
 * The directory `--log-facility` writes into (`<dnsmasq_base_log_dir>/<network_id>`), or null when
 * logging is off. The caller creates it before spawning dnsmasq.
 */
export function dnsmasqLogDir(config: DnsmasqConfig, networkId: string): string | null {
  return config.dnsmasqBaseLogDir ? posix.join(config.dnsmasqBaseLogDir, networkId) : null
}

/** A subnet's `--dhcp-range` and the number of leases it counts for, or undefined for none. */
function dhcpRange(subnet: DhcpSubnet, lease: string): { arg: string; size: bigint } | undefined {
  if (!subnet.enable_dhcp) return undefined
  const { cidr } = parseCidr(checkedSubnet(subnet).cidr) ?? {}
  if (cidr === undefined) return undefined
  const tag = `set:subnet-${subnet.id}`
  const network = formatIp(ipFromValue(cidr.version, cidr.network))
  if (subnet.ip_version === 4) {
    return {
      arg: `--dhcp-range=${tag},${network},static,${netmask(cidr)},${lease}`,
      size: cidrSize(cidr),
    }
  }
  const addressMode = subnet.ipv6_address_mode
  const isStatic =
    addressMode === 'dhcpv6-stateful' ||
    addressMode === 'dhcpv6-stateless' ||
    (addressMode === null && subnet.ipv6_ra_mode === null)
  // spec §4.2: SLAAC (or RA-mode-only) subnets get no range; prefixes past /64 are skipped
  if (!isStatic || cidr.prefixlen < 64) return undefined
  return {
    arg: `--dhcp-range=${tag},${network},static,${cidr.prefixlen},${lease}`,
    size: cidrSize(cidr),
  }
}

/**
 * The dnsmasq argv for a network (spec §4.2), starting with 'dnsmasq', in Neutron's exact order.
 * `deviceName` is the DHCP port's device (for `--bridge-interface`). Throws `UnsafeDnsmasqValue`
 * for a bad subnet or device name.
 */
export function dnsmasqArgs(
  network: DhcpNetwork,
  config: DnsmasqConfig,
  deviceName: string,
): string[] {
  const paths = dnsmasqFilePaths(config, network.id)
  // spec §10.1 item 17: Neutron passes an empty argument instead of dropping --no-resolv
  const noResolv =
    config.dnsmasqDnsServers.length > 0 || !config.dnsmasqLocalResolv ? '--no-resolv' : ''
  const args = [
    'dnsmasq',
    '--no-hosts',
    noResolv,
    `--pid-file=${paths.pid}`,
    `--dhcp-hostsfile=${paths.host}`,
    `--addn-hosts=${paths.addnHosts}`,
    `--dhcp-optsfile=${paths.opts}`,
    `--dhcp-leasefile=${paths.leases}`,
    '--dhcp-match=set:ipxe,175',
    '--dhcp-userclass=set:ipxe6,iPXE',
    '--local-service',
    '--bind-dynamic',
  ]
  if (!config.bridged) {
    const reason = fieldBreakReason('device name', deviceName)
    if (reason !== undefined) throw new UnsafeDnsmasqValue('device name', deviceName, reason)
    args.push(`--bridge-interface=${deviceName},tap*`)
  }
  let possibleLeases = 0n
  for (const subnet of allSubnets(network)) {
    const range = dhcpRange(subnet, leaseText(config))
    if (range === undefined) continue
    args.push(range.arg)
    possibleLeases += range.size
  }
  if (network.mtu > 0) args.push(`--dhcp-option-force=option:mtu,${network.mtu}`)
  const leaseMax = BigInt(config.dnsmasqLeaseMax)
  args.push(`--dhcp-lease-max=${possibleLeases < leaseMax ? possibleLeases : leaseMax}`)
  args.push(...tailArgs(network.id, config))
  return args
}

/** The arguments after `--dhcp-lease-max`: T1/T2, conf file, forwarders, domain, logging. */
function tailArgs(networkId: string, config: DnsmasqConfig): string[] {
  const args: string[] = []
  if (config.dhcpRenewalTime > 0) {
    args.push(`--dhcp-option-force=option:T1,${config.dhcpRenewalTime}s`)
  }
  if (config.dhcpRebindingTime > 0) {
    args.push(`--dhcp-option-force=option:T2,${config.dhcpRebindingTime}s`)
  }
  args.push(`--conf-file=${config.dnsmasqConfigFile.trim() || '/dev/null'}`)
  for (const server of config.dnsmasqDnsServers) args.push(`--server=${server}`)
  if (config.dnsDomain !== '') args.push(`--domain=${config.dnsDomain}`)
  if (config.dhcpBroadcastReply) args.push('--dhcp-broadcast')
  const logDir = dnsmasqLogDir(config, networkId)
  if (logDir !== null) {
    args.push('--log-queries', '--log-dhcp', `--log-facility=${logDir}/dhcp_dns_log`)
  }
  return args
}
