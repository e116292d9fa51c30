/**
 * Starting dnsmasq inside a namespace, and what this host's dnsmasq can do. dnsmasq forks into the
 * background by itself; the starting process exits 0 once the daemon is set up (or non-zero with
 * the reason on stderr), and the daemon outlives the agent.
 */
import { readdir } from 'node:fs/promises'
import { ProcessDied } from '../../../common/errors.js'
import { execute, netnsArgv, startDaemon } from '../../host/exec.js'
import { readCmdline, type ProcessManager } from '../../process/process-manager.js'

/** The service name dnsmasq is registered under with the ProcessMonitor. */
export const DNSMASQ_SERVICE = 'dnsmasq'

/** Milliseconds dnsmasq may take to start and write its pid file. */
const START_TIMEOUT_MS = 10_000

/**
 * Runs `argv` (from `dnsmasqArgs`) in `namespace` and waits until `manager`'s pid file names a
 * running dnsmasq of the network; rejects with `CommandFailed` or `ProcessDied`.
 */
export async function spawnDnsmasq(
  namespace: string,
  argv: readonly string[],
  manager: ProcessManager,
): Promise<void> {
  // One dnsmasq per network: a stray one (an earlier start that never showed up in the pid file)
  // would hold the DHCP port and make this start, and every respawn after it, fail.
  await killStrays(`--pid-file=${manager.pidFile}`)
  await startDaemon(netnsArgv(namespace, argv), { timeoutMs: START_TIMEOUT_MS })
  const active = await manager.waitUntil(() => manager.isActive(), START_TIMEOUT_MS)
  if (!active) {
    throw new ProcessDied(
      DNSMASQ_SERVICE,
      manager.uuid,
      `dnsmasq for network ${manager.uuid} exited 0 but is not running`,
    )
  }
}

/** SIGKILLs every process whose command line holds `marker` (a network's own pid-file option). */
async function killStrays(marker: string): Promise<void> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number)
  for (const pid of pids) {
    const cmdline = await readCmdline(pid)
    if (!cmdline?.includes(marker)) continue
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone meanwhile
    }
  }
}

/** Whether two command lines are the same argv, element by element. */
export function isSameCommandLine(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arg, index) => arg === b[index])
}

/**
 * Whether this host's dnsmasq accepts `tag:` in dhcp-host entries (dnsmasq ≥ 2.81), by
 * `dnsmasq --test --dhcp-host=tag:foo` exiting 0 (spec §4.3).
 */
export async function probeHostTags(): Promise<boolean> {
  try {
    await execute(['dnsmasq', '--test', '--dhcp-host=tag:foo'], { timeoutMs: 10_000 })
    return true
  } catch {
    // An older dnsmasq rejects the option; a missing dnsmasq fails later with a clearer error.
    return false
  }
}
