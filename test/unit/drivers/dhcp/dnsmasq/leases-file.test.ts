import { describe, expect, it } from 'vitest'
import {
  parseLeases,
  renderInitialLeases,
} from '../../../../../src/drivers/dhcp/dnsmasq/leases-file.js'
import {
  aConfig,
  aNetwork,
  aPort,
  D,
  dualStackPorts,
  fileLines,
  subnetD,
  subnetF,
  F,
} from './fixtures.js'

const dualNetwork = () => aNetwork({ subnets: [subnetD(), subnetF()], ports: dualStackPorts() })

describe('renderInitialLeases', () => {
  it("writes Neutron's test_output_init_lease_file leases: IPv4 only, expiry now + duration", () => {
    const text = renderInitialLeases(
      dualNetwork(),
      aConfig({ dhcpLeaseDuration: 500 }),
      undefined,
      1000000,
    )
    expect(text).toBe(
      fileLines(
        '1000500 00:00:80:aa:bb:cc 192.168.0.2 * *',
        '1000500 00:00:0f:aa:bb:cc 192.168.0.3 * *',
        '1000500 00:00:0f:rr:rr:rr 192.168.0.1 * *',
      ),
    )
  })

  it('writes expiry 0 for infinite leases', () => {
    const network = aNetwork({ ports: [aPort()] })
    const text = renderInitialLeases(
      network,
      aConfig({ dhcpLeaseDuration: -1 }),
      undefined,
      1000000,
    )
    expect(text).toBe(fileLines('0 00:00:80:aa:bb:cc 192.168.0.2 * *'))
  })

  it('keeps the duid and the IPv6 leases of addresses still served, in host order', () => {
    const existing = fileLines(
      '1000300 00:00:80:aa:bb:cc 192.168.0.2 vm1 01:00:00:80:aa:bb:cc',
      'duid 00:01:00:01:25:bc:d1:2a:fa:16:3e:12:34:56',
      '1000400 1122 fdca:3ba5:a17a:4ba3::3 vm3 00:04:aa',
      '1000400 3344 fdca:3ba5:a17a:4ba3::99 gone 00:04:bb',
      '1000400 5566 fdca:3ba5:a17a:4ba3:0:0:0:2 vm2 00:04:cc',
    )
    const text = renderInitialLeases(
      dualNetwork(),
      aConfig({ dhcpLeaseDuration: 500 }),
      existing,
      1000000,
    )
    expect(text).toBe(
      fileLines(
        'duid 00:01:00:01:25:bc:d1:2a:fa:16:3e:12:34:56',
        '1000500 00:00:80:aa:bb:cc 192.168.0.2 * *',
        '1000400 5566 fdca:3ba5:a17a:4ba3:0:0:0:2 vm2 00:04:cc',
        '1000500 00:00:0f:aa:bb:cc 192.168.0.3 * *',
        '1000400 1122 fdca:3ba5:a17a:4ba3::3 vm3 00:04:aa',
        '1000500 00:00:0f:rr:rr:rr 192.168.0.1 * *',
      ),
    )
  })

  it('drops IPv6 leases of a subnet whose DHCP is off', () => {
    const network = aNetwork({
      subnets: [subnetD(), subnetF({ enable_dhcp: false })],
      ports: [aPort({ ips: [[F, 'fdca:3ba5:a17a:4ba3::2']] })],
    })
    const existing = fileLines('duid 00:01', '1000400 1122 fdca:3ba5:a17a:4ba3::2 vm 00:04:aa')
    expect(renderInitialLeases(network, aConfig(), existing, 0)).toBe(fileLines('duid 00:01'))
  })

  it('writes no lease for an address on a DHCP-disabled IPv4 subnet', () => {
    const network = aNetwork({
      subnets: [subnetD({ enable_dhcp: false })],
      ports: [aPort({ ips: [[D, '192.168.0.2']] })],
    })
    expect(renderInitialLeases(network, aConfig(), undefined, 0)).toBe('')
  })
})

describe('parseLeases', () => {
  it('reads IPv4 leases, the server duid and IPv6 leases', () => {
    const text = fileLines(
      '1000300 00:00:80:aa:bb:cc 192.168.0.2 vm1 01:00:00:80:aa:bb:cc',
      '0 00:00:80:aa:bb:cd 192.168.0.3 * *',
      'duid 00:01:00:01',
      '1000400 1122 fdca:3ba5:a17a:4ba3::3 * 00:04:aa',
      'garbage line',
    )
    expect(parseLeases(text)).toEqual({
      v4: [
        {
          expiry: 1000300,
          mac: '00:00:80:aa:bb:cc',
          ip: '192.168.0.2',
          hostname: 'vm1',
          clientId: '01:00:00:80:aa:bb:cc',
        },
        { expiry: 0, mac: '00:00:80:aa:bb:cd', ip: '192.168.0.3', hostname: null, clientId: null },
      ],
      v6: [
        {
          expiry: 1000400,
          iaid: '1122',
          ip: 'fdca:3ba5:a17a:4ba3::3',
          hostname: null,
          clientDuid: '00:04:aa',
          serverDuid: '00:01:00:01',
        },
      ],
      serverDuids: ['00:01:00:01'],
    })
  })
})
