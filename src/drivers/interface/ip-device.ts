/**
 * Devices, addresses and routes through iproute2's JSON output (`ip -j`), in the root namespace
 * (`namespace` undefined) or inside a named one (`ip -n NS`).
 */
import { cidrContains, parseCidr } from '../../common/net/cidr.js'
import { canonicalIp, parseIp } from '../../common/net/ip.js'
import { execute } from '../host/exec.js'

/** A network device as `ip -j link show` describes it (the fields used here). */
export interface LinkInfo {
  readonly ifname: string
  readonly address?: string
  readonly mtu: number
  readonly flags: readonly string[]
  readonly master?: string
  /** The veth peer's index, when the device is one end of a pair. */
  readonly link_index?: number
}

/** One address of a device (`ip -j addr show`, `addr_info` entries). */
export interface AddressInfo {
  readonly family: 'inet' | 'inet6'
  readonly local: string
  readonly prefixlen: number
  readonly scope: string
}

/** The argv of `ip ARGS...` in `namespace` (the root namespace when undefined). */
export function ipArgv(namespace: string | undefined, args: readonly string[]): string[] {
  return namespace === undefined ? ['ip', ...args] : ['ip', '-n', namespace, ...args]
}

async function ipJson<T>(namespace: string | undefined, args: readonly string[]): Promise<T[]> {
  const { stdout } = await execute(ipArgv(namespace, ['-j', ...args]))
  const text = stdout.trim()
  return text === '' ? [] : (JSON.parse(text) as T[])
}

/** Runs `ip ARGS...` in `namespace`. */
export async function ip(namespace: string | undefined, args: readonly string[]): Promise<void> {
  await execute(ipArgv(namespace, args))
}

/** All devices in `namespace`, or those enslaved to `master`. */
export function listLinks(namespace: string | undefined, master?: string): Promise<LinkInfo[]> {
  return ipJson<LinkInfo>(namespace, ['link', 'show', ...(master ? ['master', master] : [])])
}

/** The device named `name` in `namespace`, or undefined. */
export async function findLink(
  namespace: string | undefined,
  name: string,
): Promise<LinkInfo | undefined> {
  return (await listLinks(namespace)).find((link) => link.ifname === name)
}

/** The addresses of `device` in `namespace`. */
export async function listAddresses(namespace: string, device: string): Promise<AddressInfo[]> {
  const links = await ipJson<{ addr_info?: AddressInfo[] }>(namespace, [
    'addr',
    'show',
    'dev',
    device,
  ])
  return links.flatMap((link) => link.addr_info ?? [])
}

/**
 * Gives `device` exactly the addresses `cidrs` (`<ip>/<prefixlen>`): adds the missing ones and
 * removes other global ones; link-local addresses stay (spec §5, `init_l3`).
 */
export async function setAddresses(
  namespace: string,
  device: string,
  cidrs: readonly string[],
): Promise<void> {
  const wanted = new Map(cidrs.map((cidr) => [canonicalCidr(cidr), cidr]))
  const current = (await listAddresses(namespace, device)).map((address) => ({
    cidr: `${address.local}/${address.prefixlen}`,
    scope: address.scope,
  }))
  const stale = current.filter(
    (address) => address.scope === 'global' && !wanted.has(canonicalCidr(address.cidr)),
  )
  const wantedIps = new Set([...wanted.keys()].map((key) => key.slice(0, key.indexOf('/'))))
  // An address kept with a new prefix length must go first (the kernel refuses a second IPv6
  // one); other stale addresses go after the new ones are in, as in Neutron, so the device
  // always has an address.
  const [replaced, others] = partition(stale, (address) => wantedIps.has(ipPart(address.cidr)))
  for (const address of replaced) await ip(namespace, ['addr', 'del', address.cidr, 'dev', device])
  const have = new Set(current.map((address) => canonicalCidr(address.cidr)))
  for (const [key, cidr] of wanted) {
    if (have.has(key)) continue
    const broadcast = cidr.includes(':') ? [] : ['brd', '+']
    await ip(namespace, ['addr', 'add', cidr, ...broadcast, 'scope', 'global', 'dev', device])
  }
  for (const address of others) await ip(namespace, ['addr', 'del', address.cidr, 'dev', device])
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))]
}

/** The canonical address of `<ip>/<prefixlen>` text. */
function ipPart(cidr: string): string {
  const key = canonicalCidr(cidr)
  return key.slice(0, key.indexOf('/'))
}

/**
 * Points the default route of `ipVersion` in `namespace` at `gateway` through `device`, or removes
 * it when `gateway` is null. A gateway outside the device's subnets first gets an on-link route
 * (spec §3.8).
 */
export async function setDefaultRoute(
  namespace: string,
  device: string,
  gateway: string | null,
  ipVersion: 4 | 6,
): Promise<void> {
  const family = ipVersion === 4 ? '-4' : '-6'
  const routes = await ipJson<{ gateway?: string }>(namespace, [
    family,
    'route',
    'show',
    'default',
    'dev',
    device,
  ])
  const current = routes[0]?.gateway
  if (gateway === null) {
    if (routes.length > 0) await ip(namespace, [family, 'route', 'del', 'default', 'dev', device])
    return
  }
  if (current !== undefined && canonicalIp(current) === canonicalIp(gateway)) return
  if (!(await isOnLink(namespace, device, gateway))) {
    await ip(namespace, [family, 'route', 'replace', gateway, 'dev', device, 'scope', 'link'])
  }
  await ip(namespace, [family, 'route', 'replace', 'default', 'via', gateway, 'dev', device])
}

/** Whether `gateway` lies in a subnet of one of `device`'s addresses (or is IPv6 link-local). */
async function isOnLink(namespace: string, device: string, gateway: string): Promise<boolean> {
  const address = parseIp(gateway)
  if (address === undefined) throw new RangeError(`bad gateway address: ${gateway}`)
  const linkLocal = parseCidr('fe80::/10')?.cidr
  if (linkLocal && cidrContains(linkLocal, address)) return true
  for (const info of await listAddresses(namespace, device)) {
    const subnet = parseCidr(`${info.local}/${info.prefixlen}`)?.cidr
    if (subnet && cidrContains(subnet, address)) return true
  }
  return false
}

/** `<canonical ip>/<prefixlen>`; throws on text that is not an address with a prefix length. */
function canonicalCidr(text: string): string {
  const slash = text.indexOf('/')
  const address = canonicalIp(text.slice(0, slash))
  if (slash < 0 || address === undefined || parseCidr(text) === undefined) {
    throw new RangeError(`not an address with a prefix length: ${text}`)
  }
  return `${address}${text.slice(slash)}`
}
