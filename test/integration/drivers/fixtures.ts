/**
 * Hand-built networks for the driver tests (no server): one IPv4 subnet in 198.18.0.0/24 with
 * DNS servers and a host route, the agent's DHCP port on .2 and client ports from .10 up.
 */
import { join } from 'node:path'
import { pino } from 'pino'
import type { DhcpNetwork, DhcpPort, DhcpSubnet } from '../../../src/common/dhcp-network.js'
import { DnsmasqDriver } from '../../../src/drivers/dhcp/dnsmasq/dnsmasq-driver.js'
import { defaultDnsmasqConfig } from '../../../src/drivers/dhcp/dnsmasq/dnsmasq-config.js'
import type { DnsmasqConfig } from '../../../src/drivers/dhcp/dnsmasq/dnsmasq-config.js'
import { LinuxBridgeDriver } from '../../../src/drivers/interface/linux-bridge-driver.js'
import { ProcessMonitor } from '../../../src/drivers/process/process-monitor.js'
import { randomId, randomMac } from '../../support/netns.js'

export const log = pino({ level: process.env.LEASEHOLD_TEST_LOG ?? 'silent' })

/** A DHCP-enabled IPv4 subnet 198.18.0.0/24 with gateway .1. */
export function aSubnet(networkId: string, overrides: Partial<DhcpSubnet> = {}): DhcpSubnet {
  return {
    id: randomId(),
    network_id: networkId,
    ip_version: 4,
    cidr: '198.18.0.0/24',
    gateway_ip: '198.18.0.1',
    enable_dhcp: true,
    dns_nameservers: ['198.18.0.53', '198.18.0.54'],
    host_routes: [{ destination: '198.19.0.0/16', nexthop: '198.18.0.254' }],
    ipv6_ra_mode: null,
    ipv6_address_mode: null,
    ...overrides,
  }
}

/** A port with one fixed IP on `subnet`. */
export function aPort(subnet: DhcpSubnet, ip: string, overrides: Partial<DhcpPort> = {}): DhcpPort {
  return {
    id: randomId(),
    network_id: subnet.network_id,
    mac_address: randomMac(),
    fixed_ips: [{ subnet_id: subnet.id, ip_address: ip }],
    device_id: randomId(),
    device_owner: 'compute:nova',
    admin_state_up: true,
    extra_dhcp_opts: [],
    revision_number: 1,
    ...overrides,
  }
}

/** A network, its subnet, the agent's DHCP port (.2) and `clients` ports (.10, .11, ...). */
export function aNetwork({ clients = 1, mtu = 1400 } = {}) {
  const id = randomId()
  const subnet = aSubnet(id)
  const dhcpPort = aPort(subnet, '198.18.0.2', { device_owner: 'network:dhcp' })
  const ports = Array.from({ length: clients }, (_, i) => aPort(subnet, `198.18.0.${10 + i}`))
  const network: DhcpNetwork = {
    id,
    project_id: randomId().replaceAll('-', ''),
    admin_state_up: true,
    mtu,
    subnets: [subnet],
    non_local_subnets: [],
    ports: [dhcpPort, ...ports],
  }
  return { network, subnet, dhcpPort, ports }
}

/**
 * A dual-stack network: the IPv4 subnet and stateful DHCPv6 `fd00:18::/64`; the DHCP port holds
 * `.2` and `fd00:18::2`, the client port `.10` and `fd00:18::10`.
 */
export function aDualStackNetwork() {
  const { network, subnet: v4 } = aNetwork({ clients: 0 })
  const v6 = aSubnet(network.id, {
    ip_version: 6,
    cidr: 'fd00:18::/64',
    gateway_ip: 'fd00:18::1',
    dns_nameservers: ['fd00:18::53'],
    host_routes: [],
    ipv6_address_mode: 'dhcpv6-stateful',
  })
  const dualPort = (last: number, overrides: Partial<DhcpPort> = {}) =>
    aPort(v4, `198.18.0.${last}`, {
      fixed_ips: [
        { subnet_id: v4.id, ip_address: `198.18.0.${last}` },
        { subnet_id: v6.id, ip_address: `fd00:18::${last}` },
      ],
      ...overrides,
    })
  const dhcpPort = dualPort(2, { device_owner: 'network:dhcp' })
  const client = dualPort(10)
  const subnets = [v4, v6].sort((a, b) => a.id.localeCompare(b.id))
  return { network: { ...network, subnets, ports: [dhcpPort, client] }, dhcpPort, client }
}

/** The network with `ports` in place of its client ports (the DHCP port stays). */
export function withPorts(network: DhcpNetwork, ports: readonly DhcpPort[]): DhcpNetwork {
  const dhcpPorts = network.ports.filter((port) => port.device_owner === 'network:dhcp')
  return { ...network, ports: [...dhcpPorts, ...ports] }
}

/** Driver settings for tests: short leases, a test domain, files under `stateDir`. */
export function testConfig(stateDir: string): DnsmasqConfig {
  return {
    ...defaultDnsmasqConfig(join(stateDir, 'dhcp')),
    dnsDomain: 'leasehold.test',
    dhcpLeaseDuration: 120,
  }
}

/** A DnsmasqDriver on the Linux bridge driver, with its own monitor (not started). */
export function aDriver(config: DnsmasqConfig, monitorIntervalSeconds = 0.2) {
  const processMonitor = new ProcessMonitor({
    intervalSeconds: monitorIntervalSeconds,
    action: 'respawn',
    log,
  })
  const driver = new DnsmasqDriver({
    config,
    interfaceDriver: new LinuxBridgeDriver(),
    processMonitor,
    log,
    termTimeoutMs: 1000,
  })
  return { driver, processMonitor }
}
