/**
 * Releases stale leases before a reload (spec §4.8): `dhcp_release` / `dhcp_release6` (package
 * dnsmasq-utils) run in the namespace and tell the local dnsmasq to forget a lease, so another
 * MAC can get the address at once. Up to 3 rounds 0.3 s apart, re-reading the lease DB between
 * them; failures are only logged.
 */
import type { Logger } from 'pino'
import type { DhcpNetwork } from '../../../common/dhcp-network.js'
import { canonicalIp } from '../../../common/net/ip.js'
import { execute, netnsExec } from '../../host/exec.js'
import { readFileIfExists } from '../../host/files.js'
import { parseLeases } from './leases-file.js'
import { leasesToRelease } from './stale-leases.js'
import type { Ipv4Release, Ipv6Release, StaleLeases } from './stale-leases.js'

/** `DHCP_RELEASE_TRIES`. */
const RELEASE_TRIES = 3
/** Milliseconds between two rounds. */
const RELEASE_PAUSE_MS = 300

/** Where the network's dnsmasq runs and keeps its files. */
export interface ReleaseTarget {
  readonly namespace: string
  /** The DHCP port's device in the namespace. */
  readonly device: string
  readonly hostFile: string
  readonly leasesFile: string
  /** Whether `dhcp_release6` works here (`probeDhcpRelease6`); IPv6 leases stay otherwise. */
  readonly release6Supported: boolean
}

/** Releases the leases of `target` that no port of `network` holds any more. */
export async function releaseStaleLeases(
  target: ReleaseTarget,
  network: DhcpNetwork,
  log: Logger,
): Promise<void> {
  const hostText = await readFileIfExists(target.hostFile)
  let stale = leasesToRelease(hostText, await readFileIfExists(target.leasesFile), network)
  const v6Supported = target.release6Supported
  for (let round = 1; round <= RELEASE_TRIES; round++) {
    if (stale.v4.length === 0 && (stale.v6.length === 0 || !v6Supported)) return
    for (const lease of stale.v4) await run(target, releaseV4Argv(target.device, lease), log)
    if (v6Supported) {
      for (const lease of stale.v6) await run(target, releaseV6Argv(target.device, lease), log)
    }
    if (round === RELEASE_TRIES) break
    await new Promise((resolve) => setTimeout(resolve, RELEASE_PAUSE_MS))
    stale = stillLeased(stale, await readFileIfExists(target.leasesFile))
  }
  if (stale.v4.length > 0 || stale.v6.length > 0) {
    log.debug({ network_id: network.id, stale }, 'leases still present after release rounds')
  }
}

/** The stale leases that the lease DB text still lists. */
function stillLeased(stale: StaleLeases, leasesText: string | undefined): StaleLeases {
  const leases = parseLeases(leasesText ?? '')
  const v4 = new Set(leases.v4.map((lease) => `${lease.ip} ${lease.mac.toLowerCase()}`))
  const v6 = new Set(leases.v6.map((lease) => canonicalIp(lease.ip)))
  return {
    v4: stale.v4.filter((lease) => v4.has(`${lease.ip} ${lease.mac.toLowerCase()}`)),
    v6: stale.v6.filter((lease) => v6.has(canonicalIp(lease.ip))),
  }
}

function releaseV4Argv(device: string, lease: Ipv4Release): string[] {
  return [
    'dhcp_release',
    device,
    lease.ip,
    lease.mac,
    ...(lease.clientId === null ? [] : [lease.clientId]),
  ]
}

function releaseV6Argv(device: string, lease: Ipv6Release): string[] {
  return [
    'dhcp_release6',
    '--iface',
    device,
    '--ip',
    lease.ip,
    '--client-id',
    lease.clientDuid,
    '--server-id',
    lease.serverDuid,
    '--iaid',
    lease.iaid,
  ]
}

async function run(target: ReleaseTarget, argv: string[], log: Logger): Promise<void> {
  try {
    await netnsExec(target.namespace, argv, { timeoutMs: 5000 })
    log.debug({ argv }, 'lease released')
  } catch (error) {
    log.warn({ err: error, argv }, 'could not release lease')
  }
}

/**
 * Whether this host's `dhcp_release6` works: an old one prints its usage to stderr for `--help`
 * (spec §4.8).
 */
export async function probeDhcpRelease6(): Promise<boolean> {
  try {
    const result = await execute(['dhcp_release6', '--help'], { okExitCodes: [1, 2] })
    return result.stderr.trim() === ''
  } catch {
    // Not installed or not runnable: IPv6 leases cannot be released.
    return false
  }
}
