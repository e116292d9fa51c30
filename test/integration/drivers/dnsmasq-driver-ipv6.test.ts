import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { dhcpNamespace } from '../../../src/common/dhcp-network.js'
import { dnsmasqFilePaths } from '../../../src/drivers/dhcp/dnsmasq/dnsmasq-config.js'
import { bridgeName } from '../../../src/drivers/interface/linux-bridge-driver.js'
import type { ProcessMonitor } from '../../../src/drivers/process/process-monitor.js'
import { run, useTestHost } from '../../support/netns.js'
import { waitFor } from '../../support/rpc.js'
import { aDriver, aDualStackNetwork, testConfig, withPorts } from './fixtures.js'

describe('DnsmasqDriver on a dual-stack network', () => {
  const host = useTestHost()
  const monitors: ProcessMonitor[] = []
  afterEach(async () => {
    for (const monitor of monitors.splice(0)) await monitor.stop()
  })

  it('serves DHCPv6 and DHCPv4 to one port, and releases both leases once it is gone', async () => {
    const config = testConfig(host().makeStateDir())
    const { driver, processMonitor } = aDriver(config)
    monitors.push(processMonitor)
    const { network, dhcpPort, client } = aDualStackNetwork()
    host().trackNetwork(network.id)
    await driver.enable(network, dhcpPort)

    const namespace = dhcpNamespace(network.id)
    expect(await run(['ip', '-n', namespace, '-6', 'route', 'show', 'default'])).toContain(
      'default via fd00:18::1',
    )
    const plugged = await host().plugClient(bridgeName(network.id), client.mac_address)
    const lease6 = await host().runDhclient6(plugged)
    expect(lease6).toMatchObject({ ip6: 'fd00:18::10', dns: ['fd00:18::53'] })
    expect(lease6?.domainSearch.join(' ')).toContain('leasehold.test')
    expect((await host().runUdhcpc(plugged))?.ip).toBe('198.18.0.10')

    const leasesFile = dnsmasqFilePaths(config, network.id).leases
    const leases = readFileSync(leasesFile, 'utf8')
    expect(leases).toContain(' fd00:18::10 ')
    expect(leases).toContain(`${client.mac_address} 198.18.0.10 `)
    await driver.reloadAllocations(withPorts(network, []), dhcpPort)
    await waitFor(() => !/198\.18\.0\.10 |fd00:18::10 /.test(readFileSync(leasesFile, 'utf8')), {
      timeoutMs: 3000,
      what: 'dhcp_release and dhcp_release6 to take both leases back',
    })
  })
})
