import { bool, defineOptions, float, int, list, str } from '../common/config/index.js'

/** The DHCP agent's options in `[DEFAULT]`, with Neutron's names and defaults (spec §3.2). */
export const dhcpAgentOptions = defineOptions('DEFAULT', {
  resync_interval: int({ default: 5, min: 1, help: 'Most seconds between resync attempts.' }),
  resync_throttle: int({
    default: 1,
    min: 0,
    help: 'Fewest seconds between two resyncs; must not exceed resync_interval.',
  }),
  num_sync_threads: int({
    default: 4,
    min: 1,
    help: 'Networks configured at once during a full sync.',
  }),
  dhcp_confs: str({
    default: '$state_path/dhcp',
    help: 'Where per-network DHCP state lives (host, opts, leases, pid files).',
  }),
  interface_driver: str({
    default: 'linuxbridge',
    choices: [['linuxbridge', 'a veth per DHCP port on bridge brq<network id>']],
    help: 'How the DHCP port is plugged.',
  }),
  dhcp_driver: str({
    default: 'neutron.agent.linux.dhcp.Dnsmasq',
    choices: [['neutron.agent.linux.dhcp.Dnsmasq', 'dnsmasq, one per network']],
    help: 'The DHCP server; reported in the agent state as Neutron reports it.',
  }),
  dhcp_lease_duration: int({
    default: 86400,
    min: -1,
    help: 'Lease time in seconds; -1 means infinite.',
  }),
  dns_domain: str({ default: 'openstacklocal', help: 'Domain for host names; empty for none.' }),
  dnsmasq_config_file: str({ default: '', help: 'An extra dnsmasq configuration file.' }),
  dnsmasq_dns_servers: list({
    default: [],
    help: 'Upstream DNS servers dnsmasq forwards to.',
  }),
  dnsmasq_base_log_dir: str({
    default: '',
    help: 'Log DHCP and DNS queries under this directory, per network; empty disables it.',
  }),
  dnsmasq_local_resolv: bool({
    default: false,
    help: "Let dnsmasq use the host's resolvers when no dnsmasq_dns_servers are set.",
  }),
  dnsmasq_lease_max: int({
    default: 16777216,
    min: 1,
    help: 'Most leases dnsmasq keeps per network.',
  }),
  dhcp_broadcast_reply: bool({ default: false, help: 'Broadcast DHCP replies.' }),
  dnsmasq_enable_addr6_list: bool({
    default: false,
    help: 'Put all stateful IPv6 addresses of a port on one subnet in one host entry.',
  }),
  dhcp_renewal_time: int({ default: 0, min: 0, help: 'DHCP T1 in seconds; 0 lets dnsmasq pick.' }),
  dhcp_rebinding_time: int({
    default: 0,
    min: 0,
    help: 'DHCP T2 in seconds; 0 lets dnsmasq pick.',
  }),
  enable_isolated_metadata: bool({
    default: false,
    help: 'Serve metadata from the DHCP namespace on networks without a router.',
  }),
  force_metadata: bool({ default: false, help: 'Serve metadata from the DHCP namespace always.' }),
  enable_metadata_network: bool({
    default: false,
    help: 'Treat networks with a 169.254.0.0/16 subnet as metadata networks.',
  }),
})

/** The agent's options in `[AGENT]`. */
export const agentSectionOptions = defineOptions('AGENT', {
  report_interval: float({
    default: 30,
    min: 0,
    help: 'Seconds between state reports; 0 disables them.',
  }),
  log_agent_heartbeats: bool({ default: false, help: 'Log each state report.' }),
  availability_zone: str({ default: 'nova', help: 'The availability zone the agent reports.' }),
  check_child_processes_action: str({
    default: 'respawn',
    choices: [
      ['respawn', 'start a dead dnsmasq again'],
      ['exit', 'stop the agent'],
    ],
    help: 'What to do when a dnsmasq has died.',
  }),
  check_child_processes_interval: int({
    default: 5,
    min: 0,
    help: 'Seconds between checks that dnsmasq processes are alive; 0 disables the checks (Neutron: 60).',
  }),
})
