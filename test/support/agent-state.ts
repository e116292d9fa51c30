import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function quiet(argv: string[]): void {
  try {
    execFileSync(argv[0] ?? 'true', argv.slice(1), { stdio: 'ignore' })
  } catch {
    // already gone
  }
}

/**
 * Removes what a DHCP agent with this dhcp_confs directory left on the host: its dnsmasq
 * processes (by the pid files, checked against /proc so no other process is hit), the
 * `qdhcp-<network>` namespaces and `brq<network>` bridges. Tests call it after stopping a
 * `leasehold up` or agent, because a stopped agent leaves dnsmasq serving on purpose.
 */
export function cleanupAgentState(dhcpConfs: string): void {
  if (!existsSync(dhcpConfs)) return
  for (const networkId of readdirSync(dhcpConfs).filter((name) => UUID.test(name))) {
    const pidFile = join(dhcpConfs, networkId, 'pid')
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim())
      const cmdline = existsSync(`/proc/${pid}/cmdline`)
        ? readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        : ''
      if (pid > 1 && cmdline.includes(networkId)) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // exited meanwhile
        }
      }
    }
    quiet(['ip', 'netns', 'delete', `qdhcp-${networkId}`])
    quiet(['ip', 'link', 'delete', `brq${networkId.slice(0, 11)}`])
  }
}
