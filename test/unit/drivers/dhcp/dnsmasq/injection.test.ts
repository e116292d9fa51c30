import { describe, expect, it } from 'vitest'
import { renderInitialLeases } from '../../../../../src/drivers/dhcp/dnsmasq/leases-file.js'
import { renderDnsmasqFiles } from '../../../../../src/drivers/dhcp/dnsmasq/render.js'
import { UnsafeDnsmasqValue } from '../../../../../src/drivers/dhcp/dnsmasq/safety.js'
import { D, aConfig, aNetwork, aPort, anOpt, fileLines, subnetD } from './fixtures.js'

const TAG_PORT_E = 'tag:port-eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee'
const goodPort = () =>
  aPort({ id: 'good', mac_address: '00:00:80:aa:bb:01', ips: [[D, '192.168.0.10']] })
const GOOD_HOST = '00:00:80:aa:bb:01,host-192-168-0-10.openstacklocal.,192.168.0.10'
const GOOD_ADDN = '192.168.0.10\thost-192-168-0-10.openstacklocal. host-192-168-0-10'

const render = (...ports: ReturnType<typeof aPort>[]) =>
  renderDnsmasqFiles(aNetwork({ subnets: [subnetD()], ports }), aConfig(), [])

/** The lines of the opts file that belong to ports. */
const portOptLines = (opts: string) =>
  opts.split('\n').filter((line) => line.startsWith('tag:port-'))

describe('dnsmasq files refuse values that break out of a line', () => {
  it('cuts an option value at its newline, so no --dhcp-host line appears', () => {
    const port = aPort({
      extra_dhcp_opts: [anOpt('bootfile-name', 'x\n--dhcp-host=00:11:22:33:44:55,1.2.3.4')],
    })
    const files = render(port)
    expect(portOptLines(files.opts)).toEqual([`${TAG_PORT_E},option:bootfile-name,x`])
    expect(files.opts).not.toContain('dhcp-host')
    expect(files.dropped).toEqual([])
  })

  it('cuts an option name at its newline', () => {
    const port = aPort({ extra_dhcp_opts: [anOpt('mtu\ntag:x,option:router', '1400')] })
    expect(portOptLines(render(port).opts)).toEqual([`${TAG_PORT_E},option:mtu,1400`])
  })

  it('drops an option holding NUL or CR, keeping the port and its other options', () => {
    const port = aPort({
      extra_dhcp_opts: [
        anOpt('bootfile-name', 'a\0b'),
        anOpt('tftp\r', '1.2.3.4'),
        anOpt('mtu', '1400'),
      ],
    })
    const files = render(port, goodPort())
    expect(portOptLines(files.opts)).toEqual([`${TAG_PORT_E},option:mtu,1400`])
    expect(files.host).toContain(
      '00:00:80:aa:bb:cc,host-192-168-0-2.openstacklocal.,192.168.0.2,set:port-',
    )
    expect(files.dropped.map((entry) => entry.portId)).toEqual([
      'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee',
      'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee',
    ])
  })

  it('drops a port whose client id holds a comma, serving the other ports', () => {
    const port = aPort({ extra_dhcp_opts: [anOpt('client-id', 'abc,192.168.0.99')] })
    const files = render(port, goodPort())
    expect(files.host).toBe(fileLines(GOOD_HOST))
    expect(files.addnHosts).toBe(fileLines(GOOD_ADDN))
    expect(files.dropped).toEqual([
      {
        portId: 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee',
        reason: 'client-id "abc,192.168.0.99" holds ","',
      },
    ])
  })

  it('drops a port whose client id holds a newline or NUL', () => {
    for (const clientId of ['abc\n00:11:22:33:44:55,1.2.3.4', 'abc\0']) {
      const files = render(aPort({ extra_dhcp_opts: [anOpt('61', clientId)] }), goodPort())
      expect(files.host).toBe(fileLines(GOOD_HOST))
      expect(files.dropped).toHaveLength(1)
    }
  })

  it('drops the entry of a hostile dns_assignment hostname from host and addn_hosts', () => {
    const hostile = [
      'evil\n00:11:22:33:44:55,evil,192.168.0.99',
      'evil,192.168.0.99',
      'evil extra-alias',
      'evil#comment',
    ]
    for (const hostname of hostile) {
      const port = aPort({
        dns_assignment: [{ hostname, ip_address: '192.168.0.2', fqdn: 'vm.example.org.' }],
      })
      const files = render(port, goodPort())
      expect(files.host).toBe(fileLines(GOOD_HOST))
      expect(files.addnHosts).toBe(fileLines(GOOD_ADDN))
      expect(files.dropped).toEqual([
        {
          portId: 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee',
          reason: expect.stringMatching(/^hostname /) as string,
        },
      ])
    }
  })

  it("drops the entry of a hostile dns_assignment FQDN but keeps the port's other addresses", () => {
    const port = aPort({
      ips: [
        [D, '192.168.0.2'],
        [D, '192.168.0.3'],
      ],
      dns_assignment: [
        { hostname: 'vm', ip_address: '192.168.0.2', fqdn: 'vm.example.org.\r\n--x' },
        { hostname: 'vm', ip_address: '192.168.0.3', fqdn: 'vm.example.org.' },
      ],
    })
    const files = render(port)
    expect(files.host).toBe(fileLines('00:00:80:aa:bb:cc,vm.example.org.,192.168.0.3'))
    expect(files.addnHosts).toBe(fileLines('192.168.0.3\tvm.example.org. vm'))
  })

  it('drops a port whose MAC holds a comma or newline, from the leases file too', () => {
    for (const mac of ['00:00:80:aa:bb:cc,1.2.3.4', '00:00:80:aa:bb:cc\n', '00:00:80:aa:bb:cc 1']) {
      const network = aNetwork({ ports: [aPort({ mac_address: mac }), goodPort()] })
      const files = renderDnsmasqFiles(network, aConfig(), [])
      expect(files.host).toBe(fileLines(GOOD_HOST))
      expect(renderInitialLeases(network, aConfig(), undefined, 0)).toBe(
        fileLines('86400 00:00:80:aa:bb:01 192.168.0.10 * *'),
      )
    }
  })

  it('drops an address that is not an IP address', () => {
    const port = aPort({ ips: [[D, '192.168.0.2,set:x']], dns_assignment: [] })
    const files = render(port, goodPort())
    expect(files.host).toBe(fileLines(GOOD_HOST))
    expect(files.dropped).toEqual([
      {
        portId: 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee',
        reason: 'ip_address "192.168.0.2,set:x" is not an IP address',
      },
    ])
  })

  it('drops a port whose id could not be a tag name', () => {
    const port = aPort({ id: 'x,set:known', extra_dhcp_opts: [anOpt('mtu', '1')] })
    const files = render(port, goodPort())
    expect(files.host).toBe(fileLines(GOOD_HOST))
    expect(files.opts).not.toContain('known')
  })

  it('throws for a subnet nameserver or a dns_domain that could break a line', () => {
    const network = aNetwork({ subnets: [subnetD({ dns_nameservers: ['8.8.8.8\n--x'] })] })
    expect(() => renderDnsmasqFiles(network, aConfig(), [])).toThrow(UnsafeDnsmasqValue)
    expect(() => renderDnsmasqFiles(aNetwork(), aConfig({ dnsDomain: 'a\nb' }), [])).toThrow(
      UnsafeDnsmasqValue,
    )
  })
})
