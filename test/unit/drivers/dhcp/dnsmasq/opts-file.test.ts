import { describe, expect, it } from 'vitest'
import { formatOption, renderOptsFile } from '../../../../../src/drivers/dhcp/dnsmasq/opts-file.js'
import {
  C,
  E,
  H,
  aConfig,
  aNetwork,
  aPort,
  aSubnet,
  anOpt,
  dhcpPort,
  dualStackPorts,
  routerPort,
  subnetD,
  subnetF,
} from './fixtures.js'

const TAG_D = 'tag:subnet-dddddddd-dddd-dddd-dddd-dddddddddddd'
const TAG_C = 'tag:subnet-cccccccc-cccc-cccc-cccc-cccccccccccc'
const TAG_E = 'tag:subnet-eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee'
const TAG_PORT_E = 'tag:port-eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee'
const TAG_PORT_H = 'tag:port-hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh'

/** Neutron's opts file text: lines joined by `\n`, no trailing newline. */
const optsText = (...lines: string[]) => lines.join('\n')

const ex2SubnetDLines = [
  `${TAG_D},option:dns-server,8.8.8.8`,
  `${TAG_D},option:classless-static-route,192.168.1.0/24,0.0.0.0,20.0.0.1/24,20.0.0.1,169.254.169.254/32,192.168.0.1,0.0.0.0/0,192.168.0.1`,
  `${TAG_D},249,192.168.1.0/24,0.0.0.0,20.0.0.1/24,20.0.0.1,169.254.169.254/32,192.168.0.1,0.0.0.0/0,192.168.0.1`,
  `${TAG_D},option:router,192.168.0.1`,
]

describe('formatOption', () => {
  it('prefixes names by IP version, leaving IPv4 option numbers bare', () => {
    expect(formatOption(4, 'port-x', 'tftp-server', '1.2.3.4')).toBe(
      'tag:port-x,option:tftp-server,1.2.3.4',
    )
    expect(formatOption(4, 'port-x', '99', 'v')).toBe('tag:port-x,99,v')
    expect(formatOption(6, 'port-x', '99', 'v')).toBe('tag:port-x,option6:99,v')
  })

  it('turns a tag:<x>, name prefix into an extra tag', () => {
    expect(formatOption(4, 'port-x', 'tag:ipxe,bootfile-name', 'a')).toBe(
      'tag:port-x,tag:ipxe,option:bootfile-name,a',
    )
    expect(formatOption(4, 'port-x', 'tag:noComma', 'a')).toBe('tag:port-x,option:tag:noComma,a')
  })
})

describe('renderOptsFile', () => {
  it('writes DNS, routes, router and IPv6 domain search for the dual-stack network (Ex 1)', () => {
    const network = aNetwork({ subnets: [subnetD(), subnetF()], ports: dualStackPorts() })
    expect(renderOptsFile(network, aConfig(), [])).toEqual({
      text: optsText(
        `${TAG_D},option:dns-server,8.8.8.8`,
        `${TAG_D},option:classless-static-route,20.0.0.1/24,20.0.0.1,169.254.169.254/32,192.168.0.1,0.0.0.0/0,192.168.0.1`,
        `${TAG_D},249,20.0.0.1/24,20.0.0.1,169.254.169.254/32,192.168.0.1,0.0.0.0/0,192.168.0.1`,
        `${TAG_D},option:router,192.168.0.1`,
        'tag:subnet-ffffffff-ffff-ffff-ffff-ffffffffffff,option6:dns-server,[2001:0200:feed:7ac0::1]',
        'tag:subnet-ffffffff-ffff-ffff-ffff-ffffffffffff,option6:domain-search,openstacklocal',
      ),
      dropped: [],
    })
  })

  it('omits the IPv6 domain search with an empty dns_domain', () => {
    const network = aNetwork({ subnets: [subnetF()] })
    expect(renderOptsFile(network, aConfig({ dnsDomain: '' }), []).text).toBe(
      'tag:subnet-ffffffff-ffff-ffff-ffff-ffffffffffff,option6:dns-server,[2001:0200:feed:7ac0::1]',
    )
  })

  it('gives a DHCP-disabled subnet no lines but an on-link route (Ex 2)', () => {
    const network = aNetwork({
      subnets: [subnetD(), aSubnet({ id: E, cidr: '192.168.1.0/24', enable_dhcp: false })],
      ports: [routerPort()],
    })
    expect(renderOptsFile(network, aConfig(), []).text).toBe(optsText(...ex2SubnetDLines))
  })

  const subnetC = (segmentId: string | null = null) =>
    aSubnet({
      id: C,
      cidr: '192.168.1.0/24',
      gateway_ip: '192.168.1.1',
      dns_nameservers: ['8.8.8.8'],
      segment_id: segmentId,
    })
  const routerPortC = () => routerPort({ id: 'router-c', ips: [[C, '192.168.1.1']] })

  it('routes two routed DHCP subnets to each other on-link (Ex 3)', () => {
    const network = aNetwork({
      subnets: [subnetD(), subnetC()],
      ports: [routerPort(), routerPortC()],
    })
    expect(renderOptsFile(network, aConfig(), []).text).toBe(
      optsText(
        ...ex2SubnetDLines,
        `${TAG_C},option:dns-server,8.8.8.8`,
        `${TAG_C},option:classless-static-route,192.168.0.0/24,0.0.0.0,169.254.169.254/32,192.168.1.1,0.0.0.0/0,192.168.1.1`,
        `${TAG_C},249,192.168.0.0/24,0.0.0.0,169.254.169.254/32,192.168.1.1,0.0.0.0/0,192.168.1.1`,
        `${TAG_C},option:router,192.168.1.1`,
      ),
    )
  })

  it('adds no on-link route to a subnet of another segment', () => {
    const network = aNetwork({
      subnets: [subnetD({ segment_id: 'seg-1' }), subnetC('seg-2')],
      ports: [routerPort(), routerPortC()],
    })
    const lines = renderOptsFile(network, aConfig(), []).text.split('\n')
    expect(lines[1]).toBe(
      `${TAG_D},option:classless-static-route,20.0.0.1/24,20.0.0.1,169.254.169.254/32,192.168.0.1,0.0.0.0/0,192.168.0.1`,
    )
    expect(lines[5]).toBe(
      `${TAG_C},option:classless-static-route,169.254.169.254/32,192.168.1.1,0.0.0.0/0,192.168.1.1`,
    )
  })

  const isolatedSubnetE = (gatewayIp: string | null) =>
    aSubnet({ id: E, cidr: '192.168.1.0/24', gateway_ip: gatewayIp })

  it('routes metadata via the DHCP port of an isolated subnet without gateway (Ex 4)', () => {
    const network = aNetwork({
      subnets: [isolatedSubnetE(null)],
      ports: [dhcpPort('dhcp1', [[E, '192.168.1.1']])],
    })
    expect(renderOptsFile(network, aConfig(), ['192.168.1.1']).text).toBe(
      optsText(
        `${TAG_E},option:classless-static-route,169.254.169.254/32,192.168.1.1`,
        `${TAG_E},249,169.254.169.254/32,192.168.1.1`,
        `${TAG_E},option:router`,
      ),
    )
  })

  it('routes metadata via the DHCP port and default via the gateway of an isolated subnet', () => {
    const network = aNetwork({ subnets: [isolatedSubnetE('192.168.1.1')] })
    expect(renderOptsFile(network, aConfig(), ['192.168.1.2']).text).toBe(
      optsText(
        `${TAG_E},option:classless-static-route,169.254.169.254/32,192.168.1.2,0.0.0.0/0,192.168.1.1`,
        `${TAG_E},249,169.254.169.254/32,192.168.1.2,0.0.0.0/0,192.168.1.1`,
        `${TAG_E},option:router,192.168.1.1`,
      ),
    )
  })

  it('adds no metadata route for an isolated subnet with isolated metadata off', () => {
    const network = aNetwork({ subnets: [isolatedSubnetE('192.168.1.1')] })
    const config = aConfig({ enableIsolatedMetadata: false })
    expect(renderOptsFile(network, config, ['192.168.1.2']).text).toBe(
      `${TAG_E},option:router,192.168.1.1`,
    )
  })

  it('routes metadata via the gateway of a routed subnet whatever the metadata config', () => {
    const network = aNetwork({ subnets: [aSubnet()], ports: [routerPort()] })
    const config = aConfig({ enableIsolatedMetadata: false })
    expect(renderOptsFile(network, config, ['192.168.0.2']).text.split('\n')[0]).toBe(
      `${TAG_D},option:classless-static-route,169.254.169.254/32,192.168.0.1,0.0.0.0/0,192.168.0.1`,
    )
  })

  it('routes metadata via the DHCP port of a routed subnet with force_metadata', () => {
    const network = aNetwork({ subnets: [aSubnet()], ports: [routerPort()] })
    const config = aConfig({ forceMetadata: true })
    expect(renderOptsFile(network, config, ['192.168.0.2']).text.split('\n')[0]).toBe(
      `${TAG_D},option:classless-static-route,169.254.169.254/32,192.168.0.2,0.0.0.0/0,192.168.0.1`,
    )
  })

  it('takes the gateway from a 0.0.0.0/0 host route when the subnet has none', () => {
    const network = aNetwork({
      subnets: [
        aSubnet({
          gateway_ip: null,
          host_routes: [{ destination: '0.0.0.0/0', nexthop: '192.168.0.254' }],
        }),
      ],
    })
    expect(renderOptsFile(network, aConfig({ enableIsolatedMetadata: false }), []).text).toBe(
      `${TAG_D},option:router,192.168.0.254`,
    )
  })

  const pxePort = (
    opts = [
      anOpt('tftp-server', '192.168.0.3'),
      anOpt('server-ip-address', '192.168.0.2'),
      anOpt('nd98', 'option-nondigit-98'),
      anOpt('99', 'option-99'),
      anOpt('bootfile-name', 'pxelinux.0'),
    ],
  ) => aPort({ extra_dhcp_opts: opts })

  it('writes extra DHCP options per port after the subnet options (Ex 5)', () => {
    const network = aNetwork({ ports: [pxePort()] })
    expect(renderOptsFile(network, aConfig(), []).text).toBe(
      optsText(
        `${TAG_D},option:dns-server,8.8.8.8`,
        `${TAG_D},option:classless-static-route,20.0.0.1/24,20.0.0.1,0.0.0.0/0,192.168.0.1`,
        `${TAG_D},249,20.0.0.1/24,20.0.0.1,0.0.0.0/0,192.168.0.1`,
        `${TAG_D},option:router,192.168.0.1`,
        `${TAG_PORT_E},option:tftp-server,192.168.0.3`,
        `${TAG_PORT_E},option:server-ip-address,192.168.0.2`,
        `${TAG_PORT_E},option:nd98,option-nondigit-98`,
        `${TAG_PORT_E},99,option-99`,
        `${TAG_PORT_E},option:bootfile-name,pxelinux.0`,
      ),
    )
  })

  it('writes a tag:ipxe, option name with its extra tag', () => {
    const network = aNetwork({ ports: [pxePort([anOpt('tag:ipxe,bootfile-name', 'pxelinux.0')])] })
    expect(renderOptsFile(network, aConfig(), []).text.split('\n').at(-1)).toBe(
      `${TAG_PORT_E},tag:ipxe,option:bootfile-name,pxelinux.0`,
    )
  })

  it('writes only options of the IP versions the port has, client ids left out', () => {
    const network = aNetwork({
      subnets: [subnetF()],
      ports: [
        aPort({
          id: H,
          ips: [[subnetF().id, 'fdca:3ba5:a17a:4ba3::2']],
          extra_dhcp_opts: [
            anOpt('tftp-server', '2001:192:168::1', 6),
            anOpt('99', 'option-99', 6),
            anOpt('tftp-server', '192.168.0.3', 4),
            anOpt('client-id', 'abc', 6),
          ],
        }),
      ],
    })
    const portLines = renderOptsFile(network, aConfig(), [])
      .text.split('\n')
      .filter((line) => line.startsWith('tag:port-'))
    expect(portLines).toEqual([
      `${TAG_PORT_H},option6:tftp-server,2001:192:168::1`,
      `${TAG_PORT_H},option6:99,option-99`,
    ])
  })

  const statelessSubnet = (dnsNameservers: string[]) =>
    subnetF({
      id: E,
      cidr: 'ffea:3ba5:a17a:4ba3::/64',
      dns_nameservers: dnsNameservers,
      ipv6_address_mode: 'dhcpv6-stateless',
      ipv6_ra_mode: 'dhcpv6-stateless',
    })

  it('cuts a malicious option name and value at their first newline (Ex 7)', () => {
    const network = aNetwork({
      subnets: [statelessSubnet([])],
      ports: [
        aPort({
          id: H,
          mac_address: '00:16:3e:c2:77:1d',
          ips: [[E, 'ffea:3ba5:a17a:4ba3:f816:3eff:fec2:771d']],
          extra_dhcp_opts: [
            anOpt('dns-server', 'ffea:3ba5:a17a:4ba3::100', 6),
            anOpt('malicious-option\nwith-new-line', 'aaa\nbbb.ccc\n', 6),
          ],
        }),
      ],
    })
    expect(renderOptsFile(network, aConfig(), [])).toEqual({
      text: optsText(
        `${TAG_E},option6:domain-search,openstacklocal`,
        `${TAG_PORT_H},option6:dns-server,ffea:3ba5:a17a:4ba3::100`,
        `${TAG_PORT_H},option6:malicious-option,aaa`,
      ),
      dropped: [],
    })
  })

  it('advertises no DNS server for a stateless subnet with dns_nameservers [::]', () => {
    const network = aNetwork({ subnets: [statelessSubnet(['::'])] })
    expect(renderOptsFile(network, aConfig(), []).text).toBe(
      optsText(`${TAG_E},option6:dns-server`, `${TAG_E},option6:domain-search,openstacklocal`),
    )
  })

  it('writes nothing for a SLAAC subnet', () => {
    const network = aNetwork({ subnets: [subnetF({ ipv6_address_mode: 'slaac' })] })
    expect(renderOptsFile(network, aConfig(), []).text).toBe('')
  })
})
