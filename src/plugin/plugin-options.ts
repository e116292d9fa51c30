/** The core plugin's settings (Neutron's option names in the cli's table). */
export interface PluginOptions {
  /** `base_mac`: the prefix of generated MAC addresses. */
  readonly baseMac: string
  /** `global_physnet_mtu`: the MTU given to new networks (bytes). */
  readonly globalPhysnetMtu: number
  /** `max_dns_nameservers` per subnet. */
  readonly maxDnsNameservers: number
  /** `max_subnet_host_routes` per subnet. */
  readonly maxSubnetHostRoutes: number
  /** `ipv6_pd_enabled` is not supported; kept for parity with Neutron's options. */
  readonly macGenerationRetries: number
}
