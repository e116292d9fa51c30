import { describe, expect, it } from 'vitest'
import { renderHostFile } from '../../../../../src/drivers/dhcp/dnsmasq/host-file.js'
import {
  D,
  E,
  F,
  H,
  aConfig,
  aNetwork,
  aPort,
  aSubnet,
  anOpt,
  dhcpPort,
  dualStackPorts,
  fileLines,
  routerPort,
  subnetD,
  subnetF,
} from './fixtures.js'

const dualNetwork = () => aNetwork({ subnets: [subnetD(), subnetF()], ports: dualStackPorts() })
const withoutDnsAssignment = () =>
  dualStackPorts().map((port) => ({ ...port, dns_assignment: undefined }))

describe('renderHostFile', () => {
  it('writes one line per served address of the dual-stack network (Ex 1)', () => {
    expect(renderHostFile(dualNetwork(), aConfig())).toEqual({
      text: fileLines(
        '00:00:80:aa:bb:cc,host-192-168-0-2.openstacklocal.,192.168.0.2',
        '00:00:f3:aa:bb:cc,host-fdca-3ba5-a17a-4ba3--2.openstacklocal.,[fdca:3ba5:a17a:4ba3::2]',
        '00:00:0f:aa:bb:cc,host-192-168-0-3.openstacklocal.,192.168.0.3',
        '00:00:0f:aa:bb:cc,host-fdca-3ba5-a17a-4ba3--3.openstacklocal.,[fdca:3ba5:a17a:4ba3::3]',
        '00:00:0f:rr:rr:rr,host-192-168-0-1.openstacklocal.,192.168.0.1',
      ),
      dropped: [],
    })
  })

  it('tags IPv6 lines with tag:dhcpv6 when dnsmasq supports host tags', () => {
    const { text } = renderHostFile(dualNetwork(), aConfig({ supportsHostTags: true }))
    expect(text).toBe(
      fileLines(
        '00:00:80:aa:bb:cc,host-192-168-0-2.openstacklocal.,192.168.0.2',
        '00:00:f3:aa:bb:cc,tag:dhcpv6,host-fdca-3ba5-a17a-4ba3--2.openstacklocal.,[fdca:3ba5:a17a:4ba3::2]',
        '00:00:0f:aa:bb:cc,host-192-168-0-3.openstacklocal.,192.168.0.3',
        '00:00:0f:aa:bb:cc,tag:dhcpv6,host-fdca-3ba5-a17a-4ba3--3.openstacklocal.,[fdca:3ba5:a17a:4ba3::3]',
        '00:00:0f:rr:rr:rr,host-192-168-0-1.openstacklocal.,192.168.0.1',
      ),
    )
  })

  it('names hosts after their address plus dns_domain without dns_assignment', () => {
    const network = aNetwork({ subnets: [subnetD(), subnetF()], ports: withoutDnsAssignment() })
    expect(renderHostFile(network, aConfig()).text.split('\n').slice(0, 2)).toEqual([
      '00:00:80:aa:bb:cc,host-192-168-0-2.openstacklocal,192.168.0.2',
      '00:00:f3:aa:bb:cc,host-fdca-3ba5-a17a-4ba3--2.openstacklocal,[fdca:3ba5:a17a:4ba3::2]',
    ])
  })

  it("uses the bare hostname with dns_domain=''", () => {
    const network = aNetwork({ subnets: [subnetD(), subnetF()], ports: withoutDnsAssignment() })
    const { text } = renderHostFile(network, aConfig({ dnsDomain: '' }))
    expect(text.split('\n')[0]).toBe('00:00:80:aa:bb:cc,host-192-168-0-2,192.168.0.2')
  })

  it('leaves out addresses on a DHCP-disabled subnet (Ex 2)', () => {
    const network = aNetwork({
      subnets: [subnetD(), aSubnet({ id: E, cidr: '192.168.1.0/24', enable_dhcp: false })],
      ports: [
        aPort({ ips: [[D, '192.168.0.2']] }),
        aPort({ id: 'port2', mac_address: '00:00:f3:aa:bb:cc', ips: [[D, '192.168.0.3']] }),
        aPort({
          id: 'port3',
          mac_address: '00:00:0f:aa:bb:cc',
          ips: [
            [D, '192.168.0.4'],
            [E, '192.168.1.2'],
          ],
        }),
        routerPort(),
      ],
    })
    expect(renderHostFile(network, aConfig()).text).toBe(
      fileLines(
        '00:00:80:aa:bb:cc,host-192-168-0-2.openstacklocal.,192.168.0.2',
        '00:00:f3:aa:bb:cc,host-192-168-0-3.openstacklocal.,192.168.0.3',
        '00:00:0f:aa:bb:cc,host-192-168-0-4.openstacklocal.,192.168.0.4',
        '00:00:0f:rr:rr:rr,host-192-168-0-1.openstacklocal.,192.168.0.1',
      ),
    )
  })

  it('writes client ids as id: and the port tag only with other options (Ex 6)', () => {
    const network = aNetwork({
      ports: [
        aPort(),
        aPort({
          id: 'p5',
          mac_address: '00:00:0f:aa:bb:55',
          ips: [[D, '192.168.0.5']],
          extra_dhcp_opts: [anOpt('client-id', 'test5')],
        }),
        aPort({
          id: 'ccccccccc-cccc-cccc-cccc-ccccccccc',
          mac_address: '00:00:0f:aa:bb:66',
          ips: [[D, '192.168.0.6']],
          extra_dhcp_opts: [anOpt('client-id', 'test6'), anOpt('dns-server', '123.123.123.45')],
        }),
      ],
    })
    expect(renderHostFile(network, aConfig()).text).toBe(
      fileLines(
        '00:00:80:aa:bb:cc,host-192-168-0-2.openstacklocal.,192.168.0.2',
        '00:00:0f:aa:bb:55,id:test5,host-192-168-0-5.openstacklocal.,192.168.0.5',
        '00:00:0f:aa:bb:66,id:test6,host-192-168-0-6.openstacklocal.,192.168.0.6,set:port-ccccccccc-cccc-cccc-cccc-ccccccccc',
      ),
    )
  })

  it('reads the client id from an option named 61 too', () => {
    const network = aNetwork({ ports: [aPort({ extra_dhcp_opts: [anOpt('61', 'abc')] })] })
    expect(renderHostFile(network, aConfig()).text).toBe(
      fileLines('00:00:80:aa:bb:cc,id:abc,host-192-168-0-2.openstacklocal.,192.168.0.2'),
    )
  })

  it('tags the line of a port with extra options and no client id', () => {
    const network = aNetwork({ ports: [aPort({ extra_dhcp_opts: [anOpt('mtu', '1400')] })] })
    expect(renderHostFile(network, aConfig()).text).toBe(
      fileLines(
        '00:00:80:aa:bb:cc,host-192-168-0-2.openstacklocal.,192.168.0.2,set:port-eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee',
      ),
    )
  })

  const statelessSubnet = () =>
    subnetF({
      id: E,
      cidr: 'ffea:3ba5:a17a:4ba3::/64',
      dns_nameservers: [],
      ipv6_address_mode: 'dhcpv6-stateless',
      ipv6_ra_mode: 'dhcpv6-stateless',
    })
  const statelessPort = (ips: [string, string][]) =>
    aPort({
      id: H,
      mac_address: '00:16:3e:c2:77:1d',
      ips,
      extra_dhcp_opts: [anOpt('dns-server', 'ffea:3ba5:a17a:4ba3::100', 6)],
    })

  it('writes an address-less port tag line for a DHCPv6-stateless address (Ex 7)', () => {
    const network = aNetwork({
      subnets: [statelessSubnet()],
      ports: [statelessPort([[E, 'ffea:3ba5:a17a:4ba3:f816:3eff:fec2:771d']])],
    })
    expect(renderHostFile(network, aConfig()).text).toBe(
      fileLines('00:16:3e:c2:77:1d,set:port-hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh'),
    )
    expect(renderHostFile(network, aConfig({ supportsHostTags: true })).text).toBe(
      fileLines('00:16:3e:c2:77:1d,tag:dhcpv6,set:port-hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh'),
    )
  })

  it('writes nothing for a stateless address of a port without extra options', () => {
    const network = aNetwork({
      subnets: [statelessSubnet()],
      ports: [aPort({ ips: [[E, 'ffea:3ba5:a17a:4ba3::2']] })],
    })
    expect(renderHostFile(network, aConfig()).text).toBe('')
  })

  it('puts the stateless line before the IPv4 line of the same port', () => {
    const network = aNetwork({
      subnets: [subnetD(), statelessSubnet()],
      ports: [
        statelessPort([
          [D, '192.168.0.3'],
          [E, 'ffea:3ba5:a17a:4ba3:f816:3eff:fec2:771d'],
        ]),
        routerPort(),
      ],
    })
    expect(renderHostFile(network, aConfig()).text).toBe(
      fileLines(
        '00:16:3e:c2:77:1d,set:port-hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh',
        '00:16:3e:c2:77:1d,host-192-168-0-3.openstacklocal.,192.168.0.3,set:port-hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh',
        '00:00:0f:rr:rr:rr,host-192-168-0-1.openstacklocal.,192.168.0.1',
      ),
    )
  })

  it('writes only the IPv4 lines of a port on a SLAAC subnet, MAC case kept (Ex 8)', () => {
    const network = aNetwork({
      subnets: [
        subnetD(),
        subnetF({
          id: E,
          cidr: 'ffda:3ba5:a17a:4ba3::/64',
          ipv6_address_mode: 'slaac',
          ipv6_ra_mode: 'slaac',
        }),
      ],
      ports: [
        aPort({
          mac_address: '00:16:3E:C2:77:1D',
          ips: [
            [D, '192.168.0.4'],
            [E, 'ffda:3ba5:a17a:4ba3:f816:3eff:fec2:771d'],
          ],
        }),
      ],
    })
    expect(renderHostFile(network, aConfig()).text).toBe(
      fileLines('00:16:3E:C2:77:1D,host-192-168-0-4.openstacklocal.,192.168.0.4'),
    )
  })

  it('writes no port tag line for a SLAAC address of a port with extra options', () => {
    const network = aNetwork({
      subnets: [subnetF({ ipv6_address_mode: 'slaac', ipv6_ra_mode: 'slaac' })],
      ports: [
        aPort({
          ips: [[F, 'fdca:3ba5:a17a:4ba3::2']],
          extra_dhcp_opts: [anOpt('dns-server', 'ffda::1', 6)],
        }),
      ],
    })
    expect(renderHostFile(network, aConfig()).text).toBe('')
  })

  const twoAddressPort = () =>
    aPort({
      mac_address: '00:00:f3:aa:bb:cc',
      ips: [
        [F, 'fdca:3ba5:a17a:4ba3::2'],
        [F, 'fdca:3ba5:a17a:4ba3::4'],
      ],
    })

  it('merges stateful IPv6 addresses of a subnet with dnsmasq_enable_addr6_list (Ex 9)', () => {
    const network = aNetwork({ subnets: [subnetF()], ports: [twoAddressPort()] })
    const config = aConfig({ dnsmasqEnableAddr6List: true })
    expect(renderHostFile(network, config).text).toBe(
      fileLines(
        '00:00:f3:aa:bb:cc,host-fdca-3ba5-a17a-4ba3--2.openstacklocal.,[fdca:3ba5:a17a:4ba3::2],[fdca:3ba5:a17a:4ba3::4]',
      ),
    )
  })

  it('keeps one line per address without dnsmasq_enable_addr6_list', () => {
    const network = aNetwork({ subnets: [subnetF()], ports: [twoAddressPort()] })
    expect(renderHostFile(network, aConfig()).text).toBe(
      fileLines(
        '00:00:f3:aa:bb:cc,host-fdca-3ba5-a17a-4ba3--2.openstacklocal.,[fdca:3ba5:a17a:4ba3::2]',
        '00:00:f3:aa:bb:cc,host-fdca-3ba5-a17a-4ba3--4.openstacklocal.,[fdca:3ba5:a17a:4ba3::4]',
      ),
    )
  })

  it('leaves out DHCP, floating IP, HA router and distributed ports but keeps admin-down ports', () => {
    const network = aNetwork({
      ports: [
        dhcpPort('dhcp1', [[D, '192.168.0.5']]),
        aPort({ id: 'fip', device_owner: 'network:floatingip', ips: [[D, '192.168.0.6']] }),
        aPort({ id: 'ha', device_owner: 'network:router_ha_interface', ips: [[D, '192.168.0.7']] }),
        aPort({ id: 'ovn', device_owner: 'network:distributed', ips: [[D, '192.168.0.8']] }),
        aPort({ id: 'down', admin_state_up: false, ips: [[D, '192.168.0.9']] }),
      ],
    })
    expect(renderHostFile(network, aConfig()).text).toBe(
      fileLines('00:00:80:aa:bb:cc,host-192-168-0-9.openstacklocal.,192.168.0.9'),
    )
  })
})
