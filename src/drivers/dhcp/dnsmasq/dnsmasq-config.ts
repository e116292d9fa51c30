import { posix } from 'node:path'

/**
 * The agent options the dnsmasq renderers read, with Neutron's meaning (spec §3.2). `cli/` builds
 * it from the `[DEFAULT]` options; `supportsHostTags` is found at runtime by the driver.
 */
export interface DnsmasqConfig {
  /** `dhcp_confs`: absolute root of the per-network config dirs. */
  readonly dhcpConfsDir: string
  /** `dhcp_lease_duration` in seconds; -1 means infinite. */
  readonly dhcpLeaseDuration: number
  /** `dns_domain`: `--domain=` and hostname suffix; '' for none. */
  readonly dnsDomain: string
  /** `dnsmasq_dns_servers`: `--server=` forwarders. */
  readonly dnsmasqDnsServers: readonly string[]
  /** `dnsmasq_local_resolv`: with no forwarders, let dnsmasq read resolv.conf. */
  readonly dnsmasqLocalResolv: boolean
  /** `dnsmasq_lease_max`: cap of `--dhcp-lease-max` (2^24 by default). */
  readonly dnsmasqLeaseMax: number
  /** `dhcp_broadcast_reply`: adds `--dhcp-broadcast`. */
  readonly dhcpBroadcastReply: boolean
  /** `dnsmasq_config_file`: extra dnsmasq conf; '' means `/dev/null`. */
  readonly dnsmasqConfigFile: string
  /** `dnsmasq_base_log_dir`: enables query and DHCP logging under `<dir>/<network_id>/`. */
  readonly dnsmasqBaseLogDir: string | null
  /** `dhcp_renewal_time` (T1) in seconds; 0 = dnsmasq's default. */
  readonly dhcpRenewalTime: number
  /** `dhcp_rebinding_time` (T2) in seconds; 0 = dnsmasq's default. */
  readonly dhcpRebindingTime: number
  /** `dnsmasq_enable_addr6_list`: one host line for all stateful IPv6 IPs of a port on a subnet. */
  readonly dnsmasqEnableAddr6List: boolean
  /** `enable_isolated_metadata`: metadata route via the DHCP port on isolated subnets. */
  readonly enableIsolatedMetadata: boolean
  /** `force_metadata`: metadata via the DHCP port on every subnet. */
  readonly forceMetadata: boolean
  /** `enable_metadata_network`: a subnet inside 169.254.0.0/16 makes a metadata network. */
  readonly enableMetadataNetwork: boolean
  /** dnsmasq ≥ 2.81 accepts `tag:` in dhcp-host lines (`dnsmasq --test --dhcp-host=tag:foo`). */
  readonly supportsHostTags: boolean
  /** The interface driver is bridged: no `--bridge-interface`. */
  readonly bridged: boolean
}

/** Neutron's defaults for every option but `dhcpConfsDir` (`$state_path/dhcp`). */
export function defaultDnsmasqConfig(dhcpConfsDir: string): DnsmasqConfig {
  return {
    dhcpConfsDir,
    dhcpLeaseDuration: 86400,
    dnsDomain: 'openstacklocal',
    dnsmasqDnsServers: [],
    dnsmasqLocalResolv: false,
    dnsmasqLeaseMax: 2 ** 24,
    dhcpBroadcastReply: false,
    dnsmasqConfigFile: '',
    dnsmasqBaseLogDir: null,
    dhcpRenewalTime: 0,
    dhcpRebindingTime: 0,
    dnsmasqEnableAddr6List: false,
    enableIsolatedMetadata: false,
    forceMetadata: false,
    enableMetadataNetwork: false,
    supportsHostTags: false,
    bridged: false,
  }
}

/** The files of one network's config dir (spec §3.10), as absolute paths. */
export interface DnsmasqFilePaths {
  readonly host: string
  readonly addnHosts: string
  readonly opts: string
  readonly leases: string
  readonly pid: string
  readonly interface: string
}

/** A network id is one path segment: letters, digits and dashes (Neutron ids are UUIDs). */
const SAFE_NETWORK_ID = /^[A-Za-z0-9][A-Za-z0-9-]*$/

/** `<dhcp_confs>/<network_id>`; throws a RangeError for an id that is not one safe path segment. */
export function configDir(config: DnsmasqConfig, networkId: string): string {
  if (!SAFE_NETWORK_ID.test(networkId)) {
    throw new RangeError(`network id '${networkId}' is not a safe directory name`)
  }
  return posix.join(config.dhcpConfsDir, networkId)
}

/** The per-network file paths under `configDir`. */
export function dnsmasqFilePaths(config: DnsmasqConfig, networkId: string): DnsmasqFilePaths {
  const dir = configDir(config, networkId)
  return {
    host: `${dir}/host`,
    addnHosts: `${dir}/addn_hosts`,
    opts: `${dir}/opts`,
    leases: `${dir}/leases`,
    pid: `${dir}/pid`,
    interface: `${dir}/interface`,
  }
}
