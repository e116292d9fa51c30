import { describe, expect, it } from 'vitest'
import { leasesToRelease } from '../../../../../src/drivers/dhcp/dnsmasq/stale-leases.js'
import { D, F, aNetwork, aPort, anOpt, fileLines, subnetD, subnetF } from './fixtures.js'

const network = (ports = [aPort()]) => aNetwork({ subnets: [subnetD(), subnetF()], ports })

describe('leasesToRelease', () => {
  it('releases nothing when every lease belongs to a port', () => {
    const hosts = fileLines('00:00:80:aa:bb:cc,host-192-168-0-2.openstacklocal.,192.168.0.2')
    const leases = fileLines('1000 00:00:80:aa:bb:cc 192.168.0.2 * *')
    expect(leasesToRelease(hosts, leases, network())).toEqual({ v4: [], v6: [] })
  })

  it('releases the lease of a deleted port that is in the host file and the lease DB', () => {
    const hosts = fileLines(
      '00:00:80:aa:bb:cc,host-192-168-0-2.openstacklocal.,192.168.0.2',
      '00:00:80:aa:bb:dd,id:client9,host-192-168-0-9.openstacklocal.,192.168.0.9',
    )
    const leases = fileLines(
      '1000 00:00:80:aa:bb:cc 192.168.0.2 * *',
      '1000 00:00:80:aa:bb:dd 192.168.0.9 vm9 *',
    )
    expect(leasesToRelease(hosts, leases, network())).toEqual({
      v4: [
        { ip: '192.168.0.9', mac: '00:00:80:aa:bb:dd', clientId: null },
        { ip: '192.168.0.9', mac: '00:00:80:aa:bb:dd', clientId: 'client9' },
      ],
      v6: [],
    })
  })

  it('releases nothing when the lease DB is missing or empty', () => {
    const hosts = fileLines('00:00:80:aa:bb:dd,host-192-168-0-9.openstacklocal.,192.168.0.9')
    expect(leasesToRelease(hosts, undefined, network())).toEqual({ v4: [], v6: [] })
    expect(leasesToRelease(hosts, '', network())).toEqual({ v4: [], v6: [] })
  })

  it('releases a lease whose MAC moved to another address', () => {
    const leases = fileLines('1000 00:00:80:aa:bb:cc 192.168.0.7 * *')
    expect(leasesToRelease(undefined, leases, network())).toEqual({
      v4: [{ ip: '192.168.0.7', mac: '00:00:80:aa:bb:cc', clientId: null }],
      v6: [],
    })
  })

  it('keeps a lease with a client id the port does not set', () => {
    const hosts = fileLines('00:00:80:aa:bb:cc,host-192-168-0-2.openstacklocal.,192.168.0.2')
    const leases = fileLines('1000 00:00:80:aa:bb:cc 192.168.0.2 * 01:00:00:80:aa:bb:cc')
    expect(leasesToRelease(hosts, leases, network())).toEqual({ v4: [], v6: [] })
  })

  it('releases a lease whose client id differs from the one the port sets', () => {
    const port = aPort({ extra_dhcp_opts: [anOpt('client-id', 'new')] })
    const hosts = fileLines('00:00:80:aa:bb:cc,id:old,host-192-168-0-2.openstacklocal.,192.168.0.2')
    const leases = fileLines('1000 00:00:80:aa:bb:cc 192.168.0.2 * old')
    expect(leasesToRelease(hosts, leases, network([port]))).toEqual({
      v4: [{ ip: '192.168.0.2', mac: '00:00:80:aa:bb:cc', clientId: 'old' }],
      v6: [],
    })
  })

  it('skips set:-only lines and reads tagged IPv6 lines of the host file', () => {
    const hosts = fileLines(
      '00:16:3e:c2:77:1d,tag:dhcpv6,set:port-hhhh',
      '00:00:f3:aa:bb:cc,tag:dhcpv6,host-fdca-3ba5-a17a-4ba3--2.openstacklocal.,[fdca:3ba5:a17a:4ba3::2]',
    )
    const leases = fileLines(
      'duid 00:01:00:01:aa',
      '1000 1122 fdca:3ba5:a17a:4ba3::2 vm 00:04:cc',
      '1000 3344 fdca:3ba5:a17a:4ba3::3 vm 00:04:dd',
    )
    expect(leasesToRelease(hosts, leases, network([aPort({ ips: [[D, '192.168.0.2']] })]))).toEqual(
      {
        v4: [],
        v6: [
          {
            ip: 'fdca:3ba5:a17a:4ba3::2',
            iaid: '1122',
            clientDuid: '00:04:cc',
            serverDuid: '00:01:00:01:aa',
          },
        ],
      },
    )
  })

  it('keeps IPv6 leases of addresses a port still has', () => {
    const hosts = fileLines('00:00:f3:aa:bb:cc,host-x,[fdca:3ba5:a17a:4ba3::2]')
    const leases = fileLines('duid 00:01', '1000 1122 fdca:3ba5:a17a:4ba3::2 vm 00:04:cc')
    const port = aPort({ mac_address: '00:00:f3:aa:bb:cc', ips: [[F, 'fdca:3ba5:a17a:4ba3::2']] })
    expect(leasesToRelease(hosts, leases, network([port]))).toEqual({ v4: [], v6: [] })
  })

  it('skips an IPv6 lease without a server DUID', () => {
    const hosts = fileLines('00:00:f3:aa:bb:cc,host-x,[fdca:3ba5:a17a:4ba3::2]')
    const leases = fileLines('1000 1122 fdca:3ba5:a17a:4ba3::2 vm 00:04:cc')
    expect(leasesToRelease(hosts, leases, network([]))).toEqual({ v4: [], v6: [] })
  })
})
