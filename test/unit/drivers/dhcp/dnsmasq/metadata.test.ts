import { describe, expect, it } from 'vitest'
import {
  isolatedSubnetIds,
  shouldEnableMetadata,
} from '../../../../../src/drivers/dhcp/dnsmasq/metadata.js'
import { C, D, E, aNetwork, aPort, aSubnet, routerPort, subnetF } from './fixtures.js'

const config = (overrides = {}) => ({
  enableIsolatedMetadata: true,
  forceMetadata: false,
  enableMetadataNetwork: false,
  ...overrides,
})

describe('isolatedSubnetIds', () => {
  it('counts a subnet as routed only when a router interface holds its gateway', () => {
    const network = aNetwork({
      subnets: [aSubnet(), aSubnet({ id: C, cidr: '192.168.1.0/24', gateway_ip: '192.168.1.1' })],
      non_local_subnets: [aSubnet({ id: E, cidr: '192.168.2.0/24', gateway_ip: '192.168.2.1' })],
      ports: [
        routerPort(),
        // a router interface on C but not on its gateway, and a plain port on E's gateway
        routerPort({ id: 'r2', ips: [[C, '192.168.1.9']] }),
        aPort({ ips: [[E, '192.168.2.1']] }),
      ],
    })
    expect([...isolatedSubnetIds(network)].sort()).toEqual([C, E].sort())
  })

  it('accepts every router interface owner', () => {
    for (const owner of [
      'network:ha_router_replicated_interface',
      'network:router_interface_distributed',
    ]) {
      const network = aNetwork({ ports: [routerPort({ device_owner: owner })] })
      expect(isolatedSubnetIds(network).has(D)).toBe(false)
    }
  })
})

describe('shouldEnableMetadata', () => {
  const isolated = () => aNetwork({ subnets: [aSubnet()] })
  const routed = () => aNetwork({ subnets: [aSubnet()], ports: [routerPort()] })

  it('enables metadata for an isolated IPv4 DHCP subnet', () => {
    expect(shouldEnableMetadata(config(), isolated())).toBe(true)
    expect(shouldEnableMetadata(config(), routed())).toBe(false)
  })

  it('needs enable_isolated_metadata unless forced', () => {
    expect(shouldEnableMetadata(config({ enableIsolatedMetadata: false }), isolated())).toBe(false)
    expect(
      shouldEnableMetadata(
        config({ enableIsolatedMetadata: false, forceMetadata: true }),
        routed(),
      ),
    ).toBe(true)
  })

  it('needs a DHCP-enabled IPv4 subnet', () => {
    const v6Only = aNetwork({ subnets: [subnetF()] })
    const dhcpOff = aNetwork({ subnets: [aSubnet({ enable_dhcp: false })] })
    expect(shouldEnableMetadata(config({ forceMetadata: true }), v6Only)).toBe(false)
    expect(shouldEnableMetadata(config({ forceMetadata: true }), dhcpOff)).toBe(false)
  })

  it('enables a routed metadata network with enable_metadata_network', () => {
    const network = aNetwork({
      subnets: [aSubnet({ cidr: '169.254.169.0/24', gateway_ip: '169.254.169.1' })],
      ports: [routerPort({ ips: [[D, '169.254.169.1']] })],
    })
    expect(shouldEnableMetadata(config(), network)).toBe(false)
    expect(shouldEnableMetadata(config({ enableMetadataNetwork: true }), network)).toBe(true)
  })
})
