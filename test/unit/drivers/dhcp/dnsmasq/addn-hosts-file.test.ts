import { describe, expect, it } from 'vitest'
import { renderAddnHostsFile } from '../../../../../src/drivers/dhcp/dnsmasq/addn-hosts-file.js'
import {
  D,
  F,
  aConfig,
  aNetwork,
  aPort,
  dualStackPorts,
  fileLines,
  subnetD,
  subnetF,
} from './fixtures.js'

const dualNetwork = () => aNetwork({ subnets: [subnetD(), subnetF()], ports: dualStackPorts() })

describe('renderAddnHostsFile', () => {
  it('writes ip, FQDN and hostname per address of the dual-stack network (Ex 1)', () => {
    expect(renderAddnHostsFile(dualNetwork(), aConfig())).toEqual({
      text: fileLines(
        '192.168.0.2\thost-192-168-0-2.openstacklocal. host-192-168-0-2',
        'fdca:3ba5:a17a:4ba3::2\thost-fdca-3ba5-a17a-4ba3--2.openstacklocal. host-fdca-3ba5-a17a-4ba3--2',
        '192.168.0.3\thost-192-168-0-3.openstacklocal. host-192-168-0-3',
        'fdca:3ba5:a17a:4ba3::3\thost-fdca-3ba5-a17a-4ba3--3.openstacklocal. host-fdca-3ba5-a17a-4ba3--3',
        '192.168.0.1\thost-192-168-0-1.openstacklocal. host-192-168-0-1',
      ),
      dropped: [],
    })
  })

  it("writes the bare hostname twice with dns_domain='' and no dns_assignment", () => {
    const network = aNetwork({ ports: [aPort({ dns_assignment: undefined })] })
    expect(renderAddnHostsFile(network, aConfig({ dnsDomain: '' })).text).toBe(
      fileLines('192.168.0.2\thost-192-168-0-2 host-192-168-0-2'),
    )
  })

  it('lists addresses on DHCP-disabled and SLAAC subnets too, never merged', () => {
    const network = aNetwork({
      subnets: [subnetD({ enable_dhcp: false }), subnetF({ ipv6_address_mode: 'slaac' })],
      ports: [
        aPort({
          dns_assignment: [],
          ips: [
            [D, '192.168.0.2'],
            [F, 'fdca:3ba5:a17a:4ba3::2'],
            [F, 'fdca:3ba5:a17a:4ba3::4'],
          ],
        }),
      ],
    })
    expect(renderAddnHostsFile(network, aConfig({ dnsmasqEnableAddr6List: true })).text).toBe(
      fileLines(
        '192.168.0.2\thost-192-168-0-2.openstacklocal host-192-168-0-2',
        'fdca:3ba5:a17a:4ba3::2\thost-fdca-3ba5-a17a-4ba3--2.openstacklocal host-fdca-3ba5-a17a-4ba3--2',
        'fdca:3ba5:a17a:4ba3::4\thost-fdca-3ba5-a17a-4ba3--4.openstacklocal host-fdca-3ba5-a17a-4ba3--4',
      ),
    )
  })
})
