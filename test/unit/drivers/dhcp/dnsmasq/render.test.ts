import { describe, expect, it } from 'vitest'
import {
  configDir,
  dnsmasqFilePaths,
} from '../../../../../src/drivers/dhcp/dnsmasq/dnsmasq-config.js'
import { renderDnsmasqFiles } from '../../../../../src/drivers/dhcp/dnsmasq/render.js'
import { NETWORK_ID, aConfig, aNetwork, aPort, anOpt, fileLines, routerPort } from './fixtures.js'

describe('renderDnsmasqFiles', () => {
  it('bundles the three files and reports each dropped entry once', () => {
    const network = aNetwork({
      ports: [
        aPort({ mac_address: 'bad,mac', extra_dhcp_opts: [anOpt('mtu', '1400')] }),
        routerPort(),
      ],
    })
    expect(renderDnsmasqFiles(network, aConfig(), [])).toEqual({
      host: fileLines('00:00:0f:rr:rr:rr,host-192-168-0-1.openstacklocal.,192.168.0.1'),
      addnHosts: fileLines('192.168.0.1\thost-192-168-0-1.openstacklocal. host-192-168-0-1'),
      opts: [
        'tag:subnet-dddddddd-dddd-dddd-dddd-dddddddddddd,option:dns-server,8.8.8.8',
        'tag:subnet-dddddddd-dddd-dddd-dddd-dddddddddddd,option:classless-static-route,20.0.0.1/24,20.0.0.1,169.254.169.254/32,192.168.0.1,0.0.0.0/0,192.168.0.1',
        'tag:subnet-dddddddd-dddd-dddd-dddd-dddddddddddd,249,20.0.0.1/24,20.0.0.1,169.254.169.254/32,192.168.0.1,0.0.0.0/0,192.168.0.1',
        'tag:subnet-dddddddd-dddd-dddd-dddd-dddddddddddd,option:router,192.168.0.1',
        'tag:port-eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee,option:mtu,1400',
      ].join('\n'),
      dropped: [
        {
          portId: 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee',
          reason: 'mac_address "bad,mac" holds ","',
        },
      ],
    })
  })
})

describe('dnsmasqFilePaths', () => {
  it('puts every file in <dhcp_confs>/<network_id>', () => {
    expect(
      dnsmasqFilePaths(aConfig({ dhcpConfsDir: '/var/lib/neutron/dhcp/' }), NETWORK_ID),
    ).toEqual({
      host: `/var/lib/neutron/dhcp/${NETWORK_ID}/host`,
      addnHosts: `/var/lib/neutron/dhcp/${NETWORK_ID}/addn_hosts`,
      opts: `/var/lib/neutron/dhcp/${NETWORK_ID}/opts`,
      leases: `/var/lib/neutron/dhcp/${NETWORK_ID}/leases`,
      pid: `/var/lib/neutron/dhcp/${NETWORK_ID}/pid`,
      interface: `/var/lib/neutron/dhcp/${NETWORK_ID}/interface`,
    })
  })

  it('refuses network ids that are not one path segment', () => {
    for (const networkId of ['..', 'a/b', '', '.hidden']) {
      expect(() => configDir(aConfig(), networkId)).toThrow(RangeError)
    }
  })
})
