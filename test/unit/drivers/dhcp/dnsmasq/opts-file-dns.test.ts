import { describe, expect, it } from 'vitest'
import { renderOptsFile } from '../../../../../src/drivers/dhcp/dnsmasq/opts-file.js'
import { D, aConfig, aNetwork, aSubnet, dhcpPort, routerPort, subnetF } from './fixtures.js'

const TAG_D = 'tag:subnet-dddddddd-dddd-dddd-dddd-dddddddddddd'

/** Neutron's opts file text: lines joined by `\n`, no trailing newline. */
const optsText = (...lines: string[]) => lines.join('\n')

describe('renderOptsFile with several DHCP agents', () => {
  const ex10Network = (dnsNameservers: string[], dhcpIps: string[]) =>
    aNetwork({
      subnets: [aSubnet({ dns_nameservers: dnsNameservers })],
      ports: [routerPort(), ...dhcpIps.map((ip, i) => dhcpPort(`dhcp${i}`, [[D, ip]]))],
    })
  const ex10RouteLines = [
    `${TAG_D},option:classless-static-route,169.254.169.254/32,192.168.0.1,0.0.0.0/0,192.168.0.1`,
    `${TAG_D},249,169.254.169.254/32,192.168.0.1,0.0.0.0/0,192.168.0.1`,
    `${TAG_D},option:router,192.168.0.1`,
  ]

  it('lists every DHCP port as DNS server of a subnet without nameservers (Ex 10)', () => {
    const network = ex10Network([], ['192.168.0.5', '192.168.0.6'])
    expect(renderOptsFile(network, aConfig(), ['192.168.0.5']).text).toBe(
      optsText(...ex10RouteLines, `${TAG_D},option:dns-server,192.168.0.5,192.168.0.6`),
    )
  })

  it('lists no DNS server with a single DHCP port', () => {
    const network = ex10Network([], ['192.168.0.5'])
    expect(renderOptsFile(network, aConfig(), ['192.168.0.5']).text).toBe(
      optsText(...ex10RouteLines),
    )
  })

  it('advertises no DNS server for dns_nameservers [0.0.0.0], even with two DHCP ports', () => {
    const network = ex10Network(['0.0.0.0'], ['192.168.0.5', '192.168.0.6'])
    expect(renderOptsFile(network, aConfig(), ['192.168.0.5']).text).toBe(
      optsText(`${TAG_D},option:dns-server`, ...ex10RouteLines),
    )
  })

  it('lists IPv6 DHCP ports in brackets', () => {
    const v6 = subnetF({ dns_nameservers: [] })
    const network = aNetwork({
      subnets: [v6],
      ports: [
        dhcpPort('dhcp1', [[v6.id, 'fdca:3ba5:a17a:4ba3::5']]),
        dhcpPort('dhcp2', [[v6.id, 'fdca:3ba5:a17a:4ba3::6']]),
      ],
    })
    expect(renderOptsFile(network, aConfig({ dnsDomain: '' }), []).text).toBe(
      'tag:subnet-ffffffff-ffff-ffff-ffff-ffffffffffff,option6:dns-server,[fdca:3ba5:a17a:4ba3::5],[fdca:3ba5:a17a:4ba3::6]',
    )
  })
})
