/**
 * The `linuxbridge` interface driver (spec §5): a veth pair per port, `tap<11>` in the root
 * namespace enslaved to the network's bridge `brq<11>`, `ns-<11>` inside the namespace with the
 * port's MAC. Leasehold has no L2 agent, so the driver also makes the bridge and enslaves the tap.
 * No iptables CHECKSUM rule (spec §3.8): iptables is not a dependency; veth traffic between
 * namespaces carries correct checksums for the clients tested (udhcpc, dhclient).
 */
import { writeFile } from 'node:fs/promises'
import { namespaceExists } from '../netns/netns.js'
import type { InterfaceDriver, PlugOptions, UnplugOptions } from './interface-driver.js'
import { findLink, ip, listLinks, setAddresses, setDefaultRoute } from './ip-device.js'

/** Length of the id part of device names: `LINUX_DEV_LEN` 14 minus the 3-character prefix. */
const ID_CHARS = 11

/** The bridge of a network: `brq` + the first 11 characters of its id. */
export function bridgeName(networkId: string): string {
  return `brq${networkId.slice(0, ID_CHARS)}`
}

/** The root-namespace end of a port's veth: `tap` + the first 11 characters of its id. */
export function tapName(portId: string): string {
  return `tap${portId.slice(0, ID_CHARS)}`
}

/** The namespace end of a port's veth: `ns-` + the first 11 characters of its id. */
export function nsDeviceName(portId: string): string {
  return `ns-${portId.slice(0, ID_CHARS)}`
}

/** Plugs ports into Linux bridges with veth pairs. */
export class LinuxBridgeDriver implements InterfaceDriver {
  readonly bridged = true

  deviceName(portId: string): string {
    return nsDeviceName(portId)
  }

  async plug(options: PlugOptions): Promise<string> {
    const bridge = bridgeName(options.networkId)
    const tap = tapName(options.portId)
    const device = nsDeviceName(options.portId)
    await ensureBridge(bridge)
    await ensureVeth(tap, device, options.namespace)
    await disableIpv6(tap)
    const mtu = options.mtu > 0 ? ['mtu', String(options.mtu)] : []
    await ip(undefined, ['link', 'set', 'dev', tap, ...mtu, 'master', bridge, 'up'])
    await configureNamespaceEnd(options.namespace, device, options.macAddress, mtu)
    return device
  }

  async unplug(options: UnplugOptions): Promise<void> {
    const { device, namespace } = options
    // Deleting either end of a veth deletes the pair.
    if ((await namespaceExists(namespace)) && (await findLink(namespace, device))) {
      await ip(namespace, ['link', 'delete', 'dev', device])
      return
    }
    if (!device.startsWith('ns-')) return
    const tap = `tap${device.slice(3)}`
    if (await findLink(undefined, tap)) await ip(undefined, ['link', 'delete', 'dev', tap])
  }

  initL3(namespace: string, device: string, cidrs: readonly string[]): Promise<void> {
    return setAddresses(namespace, device, cidrs)
  }

  setDefaultRoute(
    namespace: string,
    device: string,
    gateway: string | null,
    ipVersion: 4 | 6,
  ): Promise<void> {
    return setDefaultRoute(namespace, device, gateway, ipVersion)
  }

  async deleteStaleDevices(namespace: string, keep: string): Promise<void> {
    for (const link of await listLinks(namespace)) {
      if (link.ifname === 'lo' || link.ifname === keep) continue
      // Deleting one end of a veth took the other end with it.
      if (!(await findLink(namespace, link.ifname))) continue
      await ip(namespace, ['link', 'delete', 'dev', link.ifname])
    }
  }

  async deleteBridgeIfUnused(networkId: string): Promise<void> {
    const bridge = bridgeName(networkId)
    if (!(await findLink(undefined, bridge))) return
    if ((await listLinks(undefined, bridge)).length > 0) return
    await ip(undefined, ['link', 'delete', 'dev', bridge, 'type', 'bridge'])
  }
}

/** Creates the bridge unless it exists, and brings it up. */
async function ensureBridge(bridge: string): Promise<void> {
  if (!(await findLink(undefined, bridge))) {
    try {
      await ip(undefined, ['link', 'add', 'name', bridge, 'type', 'bridge', 'forward_delay', '0'])
    } catch (error) {
      // Another plug on the same network made it first.
      if (!(await findLink(undefined, bridge))) throw error
    }
  }
  await ip(undefined, ['link', 'set', 'dev', bridge, 'up'])
}

/**
 * Makes sure the pair `tap` (root namespace) / `device` (in `namespace`) exists, creating it or
 * finishing a creation that stopped half-way (peer not moved yet).
 */
async function ensureVeth(tap: string, device: string, namespace: string): Promise<void> {
  const tapLink = await findLink(undefined, tap)
  const inNamespace = await findLink(namespace, device)
  if (tapLink && inNamespace) return
  // A device of that name without its tap is not our veth; a tap whose peer is neither here nor
  // in the root namespace went to another namespace. Start both afresh.
  if (inNamespace) await ip(namespace, ['link', 'delete', 'dev', device])
  if (tapLink && !(await findLink(undefined, device))) {
    await ip(undefined, ['link', 'delete', 'dev', tap])
  }
  if (!(await findLink(undefined, tap))) {
    await ip(undefined, ['link', 'add', 'dev', tap, 'type', 'veth', 'peer', 'name', device])
  }
  await ip(undefined, ['link', 'set', 'dev', device, 'netns', namespace])
}

/** Sets MAC (down first: not every driver changes it while up), MTU and up inside the namespace. */
async function configureNamespaceEnd(
  namespace: string,
  device: string,
  macAddress: string,
  mtu: readonly string[],
): Promise<void> {
  const link = await findLink(namespace, device)
  if (link?.address?.toLowerCase() !== macAddress.toLowerCase()) {
    await ip(namespace, ['link', 'set', 'dev', device, 'down'])
    await ip(namespace, ['link', 'set', 'dev', device, 'address', macAddress])
  }
  await ip(namespace, ['link', 'set', 'dev', device, ...mtu, 'up'])
}

/** The tap only forwards frames; it must not take part in IPv6 itself (spec §5). */
async function disableIpv6(device: string): Promise<void> {
  try {
    await writeFile(`/proc/sys/net/ipv6/conf/${device}/disable_ipv6`, '1')
  } catch (error) {
    // A kernel without IPv6 has no such file, and nothing to disable.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}
