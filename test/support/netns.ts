/**
 * Host fixtures for driver tests (run as root): uniquely named client namespaces plugged into a
 * network's bridge, a real DHCP client (`busybox udhcpc`) in them, and cleanup of everything a
 * test made, including the `qdhcp-<id>` namespace, `brq…` bridge and dnsmasq of each network it
 * used. Cleanup is registered before anything is created and also runs if the worker is killed.
 */
import { execFile, spawnSync } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { onTestProcessExit } from './processes.js'

/** What `udhcpc` got: the environment its script saw on `bound`. */
export interface UdhcpcLease {
  readonly ip: string
  readonly subnet: string
  readonly router: readonly string[]
  readonly dns: readonly string[]
  readonly domain?: string
  readonly mtu?: number
  /** Option 121 as `destination/prefixlen gateway` pairs. */
  readonly staticroutes: readonly string[]
  /** Option 249, the same shape. */
  readonly msstaticroutes: readonly string[]
  /** Seconds. */
  readonly lease?: number
  readonly serverid?: string
  readonly hostname?: string
  /** Every variable the script printed. */
  readonly env: Readonly<Record<string, string>>
}

/** What `dhclient -6` got: the environment its script saw on `BOUND6`. */
export interface Dhcp6Lease {
  readonly ip6: string
  readonly prefixlen: number
  readonly dns: readonly string[]
  readonly domainSearch: readonly string[]
  readonly env: Readonly<Record<string, string>>
}

/** A client namespace with one interface whose peer is on a bridge. */
export interface TestClient {
  readonly namespace: string
  readonly iface: string
  readonly mac: string
}

const UDHCPC_VARS = [
  'ip',
  'subnet',
  'router',
  'dns',
  'domain',
  'mtu',
  'staticroutes',
  'msstaticroutes',
  'lease',
  'serverid',
  'hostname',
]

/** Runs a host command synchronously, ignoring failure (for cleanup). */
function quietly(argv: string[]): string {
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 10_000 })
  return result.status === 0 ? result.stdout : ''
}

/** Runs a host command; rejects with its stderr. */
export function run(argv: string[], timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${argv.join(' ')}: ${stderr || error.message}`))
      else resolve(stdout)
    })
  })
}

function namespaceExists(namespace: string): boolean {
  return quietly(['ip', 'netns', 'list'])
    .split('\n')
    .some((line) => line.split(' ')[0] === namespace)
}

function linkExists(name: string, namespace?: string): boolean {
  const ns = namespace ? ['-n', namespace] : []
  return spawnSync('ip', [...ns, 'link', 'show', 'dev', name], { stdio: 'ignore' }).status === 0
}

/** Whether the client's interface has a link-local IPv6 address past DAD. */
async function hasUsableLinkLocal(client: TestClient): Promise<boolean> {
  const text = await run(['ip', '-n', client.namespace, '-6', 'addr', 'show', 'dev', client.iface])
  return text.includes('scope link') && !text.includes('tentative')
}

function killNamespaceProcesses(namespace: string): void {
  if (!namespaceExists(namespace)) return
  for (const line of quietly(['ip', 'netns', 'pids', namespace]).split('\n')) {
    const pid = Number(line.trim())
    if (pid > 0) killQuietly(pid)
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

/** Everything one test made on the host; `cleanup()` removes it all, in a safe order. */
export class TestHost {
  private readonly namespaces = new Set<string>()
  private readonly links = new Set<string>()
  private readonly bridges = new Set<string>()
  private readonly pids = new Set<number>()
  private readonly dirs = new Set<string>()

  /** Takes charge of a network's `qdhcp-<id>` namespace, `brq…` bridge and the dnsmasq inside. */
  trackNetwork(networkId: string): void {
    this.namespaces.add(`qdhcp-${networkId}`)
    this.bridges.add(`brq${networkId.slice(0, 11)}`)
  }

  /** A new state directory (mode 0755: dnsmasq rereads files as an unprivileged user). */
  makeStateDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'leasehold-drivers-'))
    this.dirs.add(dir)
    chmodSync(dir, 0o755)
    return dir
  }

  /** Creates a client namespace whose interface (MAC `mac`) is plugged into `bridge`. */
  async plugClient(bridge: string, mac: string): Promise<TestClient> {
    const suffix = randomBytes(4).toString('hex')
    const namespace = `lhtest-${suffix}`
    const iface = `lhc${suffix}`
    const peer = `lhb${suffix}`
    this.namespaces.add(namespace)
    this.links.add(peer)
    await run(['ip', 'netns', 'add', namespace])
    await run(['ip', '-n', namespace, 'link', 'set', 'lo', 'up'])
    await run(['ip', 'link', 'add', peer, 'type', 'veth', 'peer', 'name', iface])
    await run(['ip', 'link', 'set', iface, 'netns', namespace])
    // The bridge side only forwards; the client side skips duplicate address detection, so its
    // link-local address (which dhclient -6 binds to) is usable at once.
    writeFileSync(`/proc/sys/net/ipv6/conf/${peer}/disable_ipv6`, '1')
    const noDad = `net.ipv6.conf.${iface}.accept_dad=0`
    await run(['ip', 'netns', 'exec', namespace, 'sysctl', '-qw', noDad])
    await run(['ip', '-n', namespace, 'link', 'set', iface, 'address', mac, 'up'])
    await run(['ip', 'link', 'set', peer, 'master', bridge, 'up'])
    return { namespace, iface, mac }
  }

  /**
   * Runs `busybox udhcpc` once in the client's namespace and returns what it was offered, or
   * undefined when no server answered within about `timeoutMs`.
   */
  async runUdhcpc(client: TestClient, { timeoutMs = 4000 } = {}): Promise<UdhcpcLease | undefined> {
    const dir = mkdtempSync(join(tmpdir(), 'leasehold-udhcpc-'))
    this.dirs.add(dir)
    const out = join(dir, 'lease')
    const script = join(dir, 'script')
    const lines = UDHCPC_VARS.map((name) => `  echo "${name}=$${name}"`).join('\n')
    writeFileSync(script, `#!/bin/sh\n[ "$1" = bound ] || exit 0\n{\n${lines}\n} > ${out}\n`, {
      mode: 0o755,
    })
    const tries = Math.max(1, Math.round(timeoutMs / 1000))
    const argv = ['ip', 'netns', 'exec', client.namespace, 'busybox', 'udhcpc']
    argv.push('-f', '-q', '-n', '-t', String(tries), '-T', '1', '-A', '1')
    // Ask for the classless routes (121, and Microsoft's 249) as real clients do.
    argv.push('-O', 'staticroutes', '-O', 'msstaticroutes')
    argv.push('-i', client.iface, '-s', script)
    const exitCode = await new Promise<number>((resolve) => {
      const child = execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs + 10_000 }, (error) => {
        if (child.pid) this.pids.delete(child.pid)
        resolve(error ? 1 : 0)
      })
      if (child.pid) this.pids.add(child.pid)
    })
    if (exitCode !== 0) return undefined
    return parseUdhcpcEnv(readFileSync(out, 'utf8'))
  }

  /**
   * Runs `dhclient -6` (stateful DHCPv6) in the client's namespace until it is bound, and returns
   * what it got, or undefined when nothing came within `timeoutMs`.
   */
  async runDhclient6(
    client: TestClient,
    { timeoutMs = 8000 } = {},
  ): Promise<Dhcp6Lease | undefined> {
    const dir = mkdtempSync(join(tmpdir(), 'leasehold-dhclient-'))
    this.dirs.add(dir)
    const out = join(dir, 'lease')
    const script = join(dir, 'script')
    const vars = ['new_ip6_address', 'new_ip6_prefixlen', 'new_dhcp6_name_servers']
    const lines = [...vars, 'new_dhcp6_domain_search'].map((n) => `  echo "${n}=$${n}"`)
    writeFileSync(
      script,
      `#!/bin/sh\n[ "$reason" = BOUND6 ] || exit 0\n{\n${lines.join('\n')}\n} > ${out}.tmp\nmv ${out}.tmp ${out}\n`,
      { mode: 0o755 },
    )
    // dhclient binds to the link-local address: wait until it is there and past DAD.
    const deadline = Date.now() + timeoutMs
    while (!(await hasUsableLinkLocal(client)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const argv = ['ip', 'netns', 'exec', client.namespace, 'dhclient', '-6', '-d', '-1']
    argv.push('-lf', join(dir, 'leases'), '-pf', join(dir, 'pid'), '-sf', script, client.iface)
    let pid: number | undefined
    let done = false
    const exited = new Promise<void>((resolve) => {
      const child = execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs + 5000 }, () => {
        if (pid) this.pids.delete(pid)
        done = true
        resolve()
      })
      pid = child.pid
      if (pid) this.pids.add(pid)
    })
    while (!existsSync(out) && Date.now() < deadline && !done) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    // dhclient stays to renew: stop it once it reported the lease.
    if (pid && !done) killQuietly(pid)
    await exited
    if (!existsSync(out)) return undefined
    const env = parseEnvLines(readFileSync(out, 'utf8'))
    const words = (value: string | undefined): string[] => value?.split(' ').filter(Boolean) ?? []
    return {
      ip6: env.new_ip6_address ?? '',
      prefixlen: Number(env.new_ip6_prefixlen),
      dns: words(env.new_dhcp6_name_servers),
      domainSearch: words(env.new_dhcp6_domain_search),
      env,
    }
  }

  /** Removes everything, tolerating what is gone already. Synchronous, so it also runs at exit. */
  cleanup(): void {
    for (const pid of this.pids) killQuietly(pid)
    for (const namespace of this.namespaces) killNamespaceProcesses(namespace)
    for (const namespace of this.namespaces) {
      if (namespaceExists(namespace)) quietly(['ip', 'netns', 'delete', namespace])
    }
    for (const link of this.links) if (linkExists(link)) quietly(['ip', 'link', 'delete', link])
    for (const bridge of this.bridges) {
      if (linkExists(bridge)) quietly(['ip', 'link', 'delete', bridge, 'type', 'bridge'])
    }
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true })
    this.pids.clear()
    this.namespaces.clear()
    this.links.clear()
    this.bridges.clear()
    this.dirs.clear()
  }
}

/**
 * A TestHost for each test of the calling file, cleaned up after each test (and if the worker
 * dies). Returns a getter.
 */
export function useTestHost(): () => TestHost {
  let host = new TestHost()
  let undo = onTestProcessExit(() => host.cleanup(), 'remove')
  afterEach(() => {
    undo()
    host.cleanup()
    host = new TestHost()
    undo = onTestProcessExit(() => host.cleanup(), 'remove')
  })
  return () => host
}

/** Parses `key=value` lines, leaving out empty values. */
function parseEnvLines(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0 && line.slice(eq + 1) !== '') env[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return env
}

/** Parses the `key=value` lines the udhcpc script printed. */
export function parseUdhcpcEnv(text: string): UdhcpcLease {
  const env = parseEnvLines(text)
  const words = (value: string | undefined): string[] => value?.split(' ').filter(Boolean) ?? []
  const pairs = (value: string | undefined): string[] => {
    const list = words(value)
    const result: string[] = []
    for (let i = 0; i + 1 < list.length; i += 2) result.push(`${list[i]} ${list[i + 1]}`)
    return result
  }
  return {
    ip: env.ip ?? '',
    subnet: env.subnet ?? '',
    router: words(env.router),
    dns: words(env.dns),
    domain: env.domain,
    mtu: env.mtu === undefined ? undefined : Number(env.mtu),
    staticroutes: pairs(env.staticroutes),
    msstaticroutes: pairs(env.msstaticroutes),
    lease: env.lease === undefined ? undefined : Number(env.lease),
    serverid: env.serverid,
    hostname: env.hostname,
    env,
  }
}

/** Whether `pid` runs (exists and is not a zombie waiting for its parent). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return false
  }
}

/** A random locally administered unicast MAC in Neutron's `fa:16:3e` style. */
export function randomMac(): string {
  const bytes = [...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))
  return `fa:16:3e:${bytes.join(':')}`
}

/** A random UUID (network and port ids in tests). */
export function randomId(): string {
  return randomUUID()
}
