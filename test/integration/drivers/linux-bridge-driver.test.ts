import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { dhcpNamespace } from '../../../src/common/dhcp-network.js'
import {
  LinuxBridgeDriver,
  bridgeName,
  tapName,
} from '../../../src/drivers/interface/linux-bridge-driver.js'
import { listNamespaces, setupDhcpNamespace } from '../../../src/drivers/netns/netns.js'
import { randomId, randomMac, run, useTestHost } from '../../support/netns.js'

const driver = new LinuxBridgeDriver()

interface Link {
  ifname: string
  address: string
  mtu: number
  master?: string
  operstate: string
  flags: string[]
}

async function link(name: string, namespace?: string): Promise<Link | undefined> {
  const ns = namespace ? ['-n', namespace] : []
  const links = JSON.parse(await run(['ip', ...ns, '-j', 'link', 'show'])) as Link[]
  return links.find((l) => l.ifname === name)
}

async function addresses(namespace: string, device: string): Promise<string[]> {
  const [info] = JSON.parse(await run(['ip', '-n', namespace, '-j', 'addr', 'show', 'dev', device]))
  return (info.addr_info as { local: string; prefixlen: number; scope: string }[])
    .filter((a) => a.scope === 'global')
    .map((a) => `${a.local}/${a.prefixlen}`)
    .sort()
}

async function routes(namespace: string, version: 4 | 6): Promise<string[]> {
  const text = await run(['ip', '-n', namespace, `-${version}`, 'route', 'show'])
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
}

describe('LinuxBridgeDriver', () => {
  const host = useTestHost()

  async function plugged(mtu = 1450) {
    const networkId = randomId()
    const portId = randomId()
    const namespace = dhcpNamespace(networkId)
    host().trackNetwork(networkId)
    await setupDhcpNamespace(namespace)
    const mac = randomMac()
    const device = await driver.plug({ networkId, portId, macAddress: mac, mtu, namespace })
    return { networkId, portId, namespace, device, mac }
  }

  it('plugs a veth into the namespace with the port MAC and MTU, its tap on brq<network>', async () => {
    const { networkId, portId, namespace, device, mac } = await plugged(1450)
    expect(device).toBe(`ns-${portId.slice(0, 11)}`)
    const inside = await link(device, namespace)
    expect(inside).toMatchObject({ address: mac, mtu: 1450 })
    expect(inside?.flags).toContain('UP')
    const tap = await link(tapName(portId))
    expect(tap).toMatchObject({ master: bridgeName(networkId), mtu: 1450 })
    expect(tap?.flags).toContain('UP')
    expect(readFileSync(`/proc/sys/net/ipv6/conf/${tapName(portId)}/disable_ipv6`, 'utf8')).toBe(
      '1\n',
    )
    expect((await link(bridgeName(networkId)))?.flags).toContain('UP')
    expect(
      await run(['ip', 'netns', 'exec', namespace, 'sysctl', '-n', 'net.ipv4.ip_nonlocal_bind']),
    ).toBe('1\n')
    expect(
      await run([
        'ip',
        'netns',
        'exec',
        namespace,
        'sysctl',
        '-n',
        'net.ipv6.conf.default.accept_ra',
      ]),
    ).toBe('0\n')
    expect((await link('lo', namespace))?.flags).toContain('UP')
  })

  it('reuses an existing device on a second plug and applies a new MAC and MTU', async () => {
    const { networkId, portId, namespace, device } = await plugged(1450)
    const before = await link(device, namespace)
    const mac = randomMac()
    await driver.plug({ networkId, portId, macAddress: mac, mtu: 1400, namespace })
    const after = await link(device, namespace)
    expect(after).toMatchObject({ address: mac, mtu: 1400 })
    expect((after as unknown as { ifindex: number }).ifindex).toBe(
      (before as unknown as { ifindex: number }).ifindex,
    )
    expect(after?.flags).toContain('UP')
    expect((await link(tapName(portId)))?.mtu).toBe(1400)
  })

  it('gives the device exactly the requested addresses', async () => {
    const { namespace, device } = await plugged()
    await run(['ip', '-n', namespace, 'addr', 'add', '198.18.9.9/24', 'dev', device])
    await driver.initL3(namespace, device, ['198.18.0.2/24', 'fd00:18::2/64'])
    expect(await addresses(namespace, device)).toEqual(['198.18.0.2/24', 'fd00:18::2/64'])
    await driver.initL3(namespace, device, ['198.18.0.2/25', 'fd00:18::2/80'])
    expect(await addresses(namespace, device)).toEqual(['198.18.0.2/25', 'fd00:18::2/80'])
    await driver.initL3(namespace, device, ['198.18.1.2/25'])
    expect(await addresses(namespace, device)).toEqual(['198.18.1.2/25'])
  })

  it('sets the default route, on-link first when the gateway is outside the subnet', async () => {
    const { namespace, device } = await plugged()
    await driver.initL3(namespace, device, ['198.18.0.2/24'])
    await driver.setDefaultRoute(namespace, device, '198.18.0.1', 4)
    expect(await routes(namespace, 4)).toContain(`default via 198.18.0.1 dev ${device}`)
    await driver.setDefaultRoute(namespace, device, '198.19.0.1', 4)
    const table = await routes(namespace, 4)
    expect(table).toContain(`198.19.0.1 dev ${device} scope link`)
    expect(table).toContain(`default via 198.19.0.1 dev ${device}`)
    expect(table).not.toContain(`default via 198.18.0.1 dev ${device}`)
    await driver.setDefaultRoute(namespace, device, null, 4)
    expect((await routes(namespace, 4)).some((r) => r.startsWith('default'))).toBe(false)
  })

  it('removes stale devices, unplugs, and deletes the bridge only once unused', async () => {
    const { networkId, portId, namespace, device } = await plugged()
    await run(['ip', '-n', namespace, 'link', 'add', 'stale0', 'type', 'veth', 'peer', 'stale1'])
    await driver.deleteStaleDevices(namespace, device)
    expect(await link('stale0', namespace)).toBeUndefined()
    expect(await link('stale1', namespace)).toBeUndefined()
    expect(await link(device, namespace)).toBeDefined()

    const client = await host().plugClient(bridgeName(networkId), randomMac())
    await driver.unplug({ device, namespace })
    expect(await link(device, namespace)).toBeUndefined()
    expect(await link(tapName(portId))).toBeUndefined()
    await driver.deleteBridgeIfUnused(networkId)
    expect(await link(bridgeName(networkId))).toBeDefined()

    await run(['ip', 'netns', 'delete', client.namespace])
    await driver.deleteBridgeIfUnused(networkId)
    expect(await link(bridgeName(networkId))).toBeUndefined()
    expect(await listNamespaces()).toContain(namespace)
  })
})
