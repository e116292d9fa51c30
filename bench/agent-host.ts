import { execFile, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Host side of the agent benchmark: everything it makes on the machine (processes, the
 * `qdhcp-<id>` namespaces and `brq…` bridges of its networks, client namespaces, directories, the
 * vhost) is tracked here, and `cleanup()` removes exactly that, synchronously, so it also runs
 * from a signal handler. Nothing else on the host is touched.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** Most milliseconds the kernel gets to remove the veths of deleted namespaces. */
const TAP_TEARDOWN_MS = 30_000

/** A client namespace whose interface is plugged into a network's bridge. */
export interface BenchClient {
  readonly namespace: string
  readonly iface: string
  readonly mac: string
}

/** Runs a host command; rejects with its stderr. */
export function run(argv: readonly string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${argv.join(' ')}: ${stderr || error.message}`))
      else resolve(stdout)
    })
  })
}

/** Sends a signal to a process that may be gone already. */
function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}

/** Runs `ip -force -batch -` over some lines; failures of single lines (already gone) are fine. */
function ipBatch(lines: readonly string[]): void {
  if (lines.length === 0) return
  spawnSync('ip', ['-force', '-batch', '-'], { input: `${lines.join('\n')}\n`, stdio: 'pipe' })
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

/** The pid in a dnsmasq pid file when /proc/<pid>/cmdline names the network, else undefined. */
export function activeDnsmasqPid(dhcpDir: string, networkId: string): number | undefined {
  const pid = Number(readIfExists(join(dhcpDir, networkId, 'pid'))?.trim())
  if (!Number.isSafeInteger(pid) || pid <= 1) return undefined
  return readIfExists(`/proc/${pid}/cmdline`)?.includes(networkId) ? pid : undefined
}

/** Pids of the dnsmasq processes whose command line names a file under `dhcpDir`. */
function dnsmasqUnder(dhcpDir: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const argv = readIfExists(`/proc/${entry}/cmdline`)?.split('\0') ?? []
    if (argv[0]?.endsWith('dnsmasq') && argv.some((arg) => arg.includes(`${dhcpDir}/`))) {
      pids.push(Number(entry))
    }
  }
  return pids
}

/** What the benchmark made on the host. */
export class BenchHost {
  /** Networks whose namespace and bridge are the benchmark's to remove. */
  readonly networkIds = new Set<string>()
  private readonly children = new Set<ChildProcess>()
  private readonly dhcpDirs = new Set<string>()
  private readonly clients = new Set<BenchClient>()
  private readonly dirs = new Set<string>()
  private readonly finalizers: (() => void)[] = []

  /** A Leasehold process to SIGKILL if it still runs at cleanup. */
  trackChild(child: ChildProcess): void {
    this.children.add(child)
  }

  /** An agent's `dhcp_confs` directory, whose dnsmasq processes are the benchmark's. */
  trackDhcpDir(dir: string): void {
    this.dhcpDirs.add(dir)
  }

  /** A directory removed at cleanup. */
  trackDir(dir: string): void {
    this.dirs.add(dir)
  }

  /** Runs at the end of cleanup (the vhost's removal). */
  onCleanup(finalizer: () => void): void {
    this.finalizers.push(finalizer)
  }

  /**
   * Removes what a stopped agent left: kills its dnsmasq processes (pid files checked against
   * /proc, then any dnsmasq whose command line names the directory), deletes the `qdhcp-<id>`
   * namespaces (the kernel then removes the DHCP ports' veth pairs in batches, much faster than
   * one by one), waits until their taps are gone so the names are free, deletes the `brq…`
   * bridges of the benchmark's networks, and the directory. Synchronous.
   */
  removeAgentState(dhcpDir: string): void {
    const onDisk = existsSync(dhcpDir) ? readdirSync(dhcpDir).filter((n) => UUID.test(n)) : []
    for (const networkId of onDisk) {
      const pid = activeDnsmasqPid(dhcpDir, networkId)
      if (pid !== undefined) signalQuietly(pid, 'SIGKILL')
    }
    for (const pid of dnsmasqUnder(dhcpDir)) signalQuietly(pid, 'SIGKILL')
    const taps = onDisk
      .map((id) => readIfExists(join(dhcpDir, id, 'interface'))?.trim() ?? '')
      .filter((device) => /^ns-[0-9a-f-]{11}$/.test(device))
      .map((device) => `tap${device.slice(3)}`)
    const networks = [...new Set([...this.networkIds, ...onDisk])]
    ipBatch(networks.map((id) => `netns delete qdhcp-${id}`))
    const deadline = Date.now() + TAP_TEARDOWN_MS
    let left = taps
    while ((left = left.filter((tap) => existsSync(`/sys/class/net/${tap}`))).length > 0) {
      if (Date.now() > deadline) {
        ipBatch(left.map((tap) => `link delete dev ${tap}`))
        break
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10)
    }
    ipBatch(networks.map((id) => `link delete dev brq${id.slice(0, 11)} type bridge`))
    rmSync(dhcpDir, { recursive: true, force: true })
  }

  /** Creates a client namespace whose interface (MAC `mac`) is up on `bridge`. */
  async plugClient(bridge: string, mac: string): Promise<BenchClient> {
    const suffix = randomBytes(4).toString('hex')
    const client = { namespace: `lhbench-${suffix}`, iface: `lbc${suffix}`, mac }
    const peer = `lbb${suffix}`
    this.clients.add(client)
    await run(['ip', 'netns', 'add', client.namespace])
    await run(['ip', 'link', 'add', peer, 'type', 'veth', 'peer', 'name', client.iface])
    await run(['ip', 'link', 'set', client.iface, 'netns', client.namespace])
    writeFileSync(`/proc/sys/net/ipv6/conf/${peer}/disable_ipv6`, '1')
    await run(['ip', '-n', client.namespace, 'link', 'set', client.iface, 'address', mac, 'up'])
    await run(['ip', 'link', 'set', peer, 'master', bridge, 'up'])
    return client
  }

  /** Runs `busybox udhcpc` once in the client's namespace; resolves whether it got a lease. */
  udhcpc(client: BenchClient): Promise<boolean> {
    const argv = ['ip', 'netns', 'exec', client.namespace, 'busybox', 'udhcpc']
    argv.push('-f', '-q', '-n', '-t', '20', '-T', '1', '-i', client.iface, '-s', '/bin/true')
    return run(argv, 40_000).then(
      () => true,
      () => false,
    )
  }

  /** Deletes a client namespace (its veth pair goes with it). */
  removeClient(client: BenchClient): void {
    this.killClientProcesses(client)
    ipBatch([`netns delete ${client.namespace}`])
    this.clients.delete(client)
  }

  /** Removes everything tracked, tolerating what is gone already. */
  cleanup(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        signalQuietly(child.pid, 'SIGKILL')
      }
    }
    this.children.clear()
    for (const dir of this.dhcpDirs) this.removeAgentState(dir)
    this.dhcpDirs.clear()
    for (const client of [...this.clients]) this.removeClient(client)
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true })
    this.dirs.clear()
    for (const finalize of this.finalizers.splice(0)) {
      try {
        finalize()
      } catch (error) {
        process.stderr.write(`agent bench cleanup: ${String(error)}\n`)
      }
    }
  }

  private killClientProcesses(client: BenchClient): void {
    if (!existsSync(`/run/netns/${client.namespace}`)) return
    const pids = spawnSync('ip', ['netns', 'pids', client.namespace], { encoding: 'utf8' })
    for (const line of (pids.stdout ?? '').split('\n')) {
      const pid = Number(line.trim())
      if (pid > 1) signalQuietly(pid, 'SIGKILL')
    }
  }
}
