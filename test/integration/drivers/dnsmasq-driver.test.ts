import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { dhcpNamespace } from '../../../src/common/dhcp-network.js'
import { CommandFailed } from '../../../src/common/errors.js'
import type { DhcpNetwork } from '../../../src/common/dhcp-network.js'
import type { DnsmasqConfig } from '../../../src/drivers/dhcp/dnsmasq/dnsmasq-config.js'
import { dnsmasqFilePaths } from '../../../src/drivers/dhcp/dnsmasq/dnsmasq-config.js'
import { bridgeName, tapName } from '../../../src/drivers/interface/linux-bridge-driver.js'
import type { ProcessMonitor } from '../../../src/drivers/process/process-monitor.js'
import { isRunning, run, useTestHost } from '../../support/netns.js'
import { waitFor } from '../../support/rpc.js'
import { aDriver, aNetwork, aPort, testConfig, withPorts } from './fixtures.js'

describe('DnsmasqDriver', () => {
  const host = useTestHost()
  const monitors: ProcessMonitor[] = []
  afterEach(async () => {
    for (const monitor of monitors.splice(0)) await monitor.stop()
  })

  /** A driver on a fresh state dir, and a network whose host state the test host removes. */
  function setup(options: { clients?: number } = {}) {
    const config = testConfig(host().makeStateDir())
    const { driver, processMonitor } = aDriver(config)
    monitors.push(processMonitor)
    const fixture = aNetwork(options)
    host().trackNetwork(fixture.network.id)
    const paths = dnsmasqFilePaths(config, fixture.network.id)
    return { config, driver, processMonitor, paths, ...fixture }
  }

  /** The pid in the network's pid file; 0 while there is none. */
  function pidOf(config: DnsmasqConfig, networkId: string): number {
    const path = dnsmasqFilePaths(config, networkId).pid
    return existsSync(path) ? Number(readFileSync(path, 'utf8').trim()) : 0
  }

  async function clientFor(network: DhcpNetwork, mac: string) {
    return host().plugClient(bridgeName(network.id), mac)
  }

  it('gives a client with the port MAC its IP, router, DNS, MTU, domain and host routes', async () => {
    const { driver, network, dhcpPort, ports, paths } = setup()
    await driver.enable(network, dhcpPort)

    const lease = await host().runUdhcpc(await clientFor(network, ports[0]!.mac_address))
    expect(lease).toMatchObject({
      ip: '198.18.0.10',
      subnet: '255.255.255.0',
      router: ['198.18.0.1'],
      dns: ['198.18.0.53', '198.18.0.54'],
      domain: 'leasehold.test',
      mtu: 1400,
      lease: 120,
      serverid: '198.18.0.2',
    })
    const routes = ['198.19.0.0/16 198.18.0.254', '0.0.0.0/0 198.18.0.1']
    expect(lease?.staticroutes).toEqual(routes)
    expect(lease?.msstaticroutes).toEqual(routes)
    expect(readFileSync(paths.interface, 'utf8')).toBe(`ns-${dhcpPort.id.slice(0, 11)}`)
    expect(await driver.isActive(network.id)).toBe(true)
    expect(await driver.existingNetworks()).toEqual([network.id])
  })

  it('serves a port added later once allocations are reloaded, without restarting', async () => {
    const { config, driver, network, subnet, dhcpPort, ports } = setup()
    await driver.enable(network, dhcpPort)
    const pid = pidOf(config, network.id)
    const added = aPort(subnet, '198.18.0.77')
    await driver.reloadAllocations(withPorts(network, [...ports, added]), dhcpPort)

    const lease = await host().runUdhcpc(await clientFor(network, added.mac_address))
    expect(lease?.ip).toBe('198.18.0.77')
    expect(pidOf(config, network.id)).toBe(pid)
  })

  it('stops serving a removed port and releases its lease', async () => {
    const { driver, network, dhcpPort, ports, paths } = setup({ clients: 2 })
    const [removed, kept] = [ports[0]!, ports[1]!]
    await driver.enable(network, dhcpPort)
    const client = await clientFor(network, removed.mac_address)
    expect((await host().runUdhcpc(client))?.ip).toBe('198.18.0.10')
    expect(readFileSync(paths.leases, 'utf8')).toContain(`${removed.mac_address} 198.18.0.10`)

    await driver.reloadAllocations(withPorts(network, [kept]), dhcpPort)
    await waitFor(() => !readFileSync(paths.leases, 'utf8').includes('198.18.0.10'), {
      timeoutMs: 3000,
      what: 'the lease of the removed port to be released',
    })
    expect(readFileSync(paths.leases, 'utf8')).toContain(`${kept.mac_address} 198.18.0.11`)
    expect(await host().runUdhcpc(client, { timeoutMs: 3000 })).toBeUndefined()
  })

  it('respawns dnsmasq killed with SIGKILL, and the client gets its lease again', async () => {
    const { config, driver, processMonitor, network, dhcpPort, ports } = setup()
    processMonitor.start()
    await driver.enable(network, dhcpPort)
    const pid = pidOf(config, network.id)
    process.kill(pid, 'SIGKILL')
    await waitFor(() => !isRunning(pid), { what: 'dnsmasq to die' })
    await waitFor(
      () => {
        const now = pidOf(config, network.id)
        return now !== pid && isRunning(now)
      },
      { timeoutMs: 5000, what: 'dnsmasq to be respawned' },
    )
    expect(await driver.isActive(network.id)).toBe(true)
    const lease = await host().runUdhcpc(await clientFor(network, ports[0]!.mac_address))
    expect(lease?.ip).toBe('198.18.0.10')
  })

  it('adopts the running dnsmasq after an agent restart instead of restarting it', async () => {
    const { config, driver, network, subnet, dhcpPort, ports } = setup()
    await driver.enable(network, dhcpPort)
    const pid = pidOf(config, network.id)

    const { driver: restarted, processMonitor } = aDriver(config)
    monitors.push(processMonitor)
    const added = aPort(subnet, '198.18.0.88')
    await restarted.enable(withPorts(network, [...ports, added]), dhcpPort)
    expect(pidOf(config, network.id)).toBe(pid)
    expect(processMonitor.isRegistered(network.id, 'dnsmasq')).toBe(true)
    // The files were brought up to date and reread: the port added meanwhile is served.
    const lease = await host().runUdhcpc(await clientFor(network, added.mac_address))
    expect(lease?.ip).toBe('198.18.0.88')
  })

  it('restarts a dnsmasq whose command line changed', async () => {
    const { config, driver, network, dhcpPort, ports } = setup()
    await driver.enable(network, dhcpPort)
    const pid = pidOf(config, network.id)
    await driver.enable({ ...network, mtu: 1300 }, dhcpPort)
    expect(pidOf(config, network.id)).not.toBe(pid)
    expect(isRunning(pid)).toBe(false)
    const lease = await host().runUdhcpc(await clientFor(network, ports[0]!.mac_address))
    expect(lease?.mtu).toBe(1300)
  })

  it('restart keeps the DHCP port device and starts a new dnsmasq', async () => {
    const { config, driver, network, dhcpPort, ports } = setup()
    await driver.enable(network, dhcpPort)
    const pid = pidOf(config, network.id)
    const device = `ns-${dhcpPort.id.slice(0, 11)}`
    const ifindex = await run(['ip', '-n', dhcpNamespace(network.id), '-o', 'link', 'show', device])
    await driver.restart(network, dhcpPort)
    expect(isRunning(pid)).toBe(false)
    expect(isRunning(pidOf(config, network.id))).toBe(true)
    expect(await run(['ip', '-n', dhcpNamespace(network.id), '-o', 'link', 'show', device])).toBe(
      ifindex,
    )
    const lease = await host().runUdhcpc(await clientFor(network, ports[0]!.mac_address))
    expect(lease?.ip).toBe('198.18.0.10')
  })

  it('starts dnsmasq again on reload when it is not running', async () => {
    const { config, driver, network, dhcpPort } = setup()
    await driver.enable(network, dhcpPort)
    const pid = pidOf(config, network.id)
    process.kill(pid, 'SIGKILL')
    await waitFor(() => !isRunning(pid), { what: 'dnsmasq to die' })
    expect(await driver.isActive(network.id)).toBe(false)
    await driver.reloadAllocations(network, dhcpPort)
    expect(await driver.isActive(network.id)).toBe(true)
    expect(pidOf(config, network.id)).not.toBe(pid)
  })

  it('fails with CommandFailed carrying what dnsmasq printed when it cannot start', async () => {
    const { config, network, dhcpPort } = setup()
    const { driver } = aDriver({ ...config, dnsmasqConfigFile: '/nonexistent/leasehold.conf' })
    const failure = await driver.enable(network, dhcpPort).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(CommandFailed)
    expect((failure as CommandFailed).stderr).toContain('cannot read /nonexistent/leasehold.conf')
    expect((failure as CommandFailed).argv.slice(0, 5)).toEqual([
      'ip',
      'netns',
      'exec',
      dhcpNamespace(network.id),
      'dnsmasq',
    ])
    expect(await driver.isActive(network.id)).toBe(false)
  })

  it('disable removes the namespace, veth, bridge, config dir and process', async () => {
    const { config, driver, processMonitor, network, dhcpPort } = setup()
    await driver.enable(network, dhcpPort)
    const pid = pidOf(config, network.id)
    await driver.disable(network.id)

    expect(isRunning(pid)).toBe(false)
    expect(processMonitor.isRegistered(network.id, 'dnsmasq')).toBe(false)
    expect(await run(['ip', 'netns', 'list'])).not.toContain(dhcpNamespace(network.id))
    expect(await run(['ip', 'link', 'show'])).not.toContain(tapName(dhcpPort.id))
    expect(await run(['ip', 'link', 'show'])).not.toContain(bridgeName(network.id))
    expect(existsSync(join(config.dhcpConfsDir, network.id))).toBe(false)
    expect(await driver.existingNetworks()).toEqual([])
    expect(await driver.isActive(network.id)).toBe(false)
  })

  it('rewrites files atomically: readers see whole files only, and no temp files remain', async () => {
    const { driver, network, subnet, dhcpPort, ports, paths } = setup()
    await driver.enable(network, dhcpPort)
    const variants = [
      withPorts(network, ports),
      withPorts(network, [...ports, aPort(subnet, '198.18.0.20'), aPort(subnet, '198.18.0.21')]),
    ]
    const whole = new Set([readFileSync(paths.host, 'utf8')])
    const seen: string[] = []
    let writing = true
    const reader = (async () => {
      while (writing) seen.push(await readFile(paths.host, 'utf8'))
    })()
    for (let i = 0; i < 20; i++) {
      await driver.reloadAllocations(variants[i % 2]!, dhcpPort)
      whole.add(readFileSync(paths.host, 'utf8'))
    }
    writing = false
    await reader
    expect(whole.size).toBe(2)
    expect(seen.length).toBeGreaterThan(20)
    for (const text of seen) expect(whole).toContain(text)
    const files = readdirSync(join(paths.host, '..')).sort()
    expect(files).toEqual(['addn_hosts', 'host', 'interface', 'leases', 'opts', 'pid'])
  })
})
