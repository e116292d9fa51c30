import { randomBytes, randomInt } from 'node:crypto'
import type { Cidr } from '../../common/net/cidr.js'
import { formatIp, ipFromValue, parseIp } from '../../common/net/ip.js'
import type { Executor } from '../../db/schema.js'
import { allocatedAddresses, takenAmong } from '../../db/tables/ip-allocations.js'
import { addressAt, rangesSize, type IpRange } from './pools.js'

/** Random candidates tried per probe query. */
const PROBE_BATCH = 8
/** Probe queries before falling back to a full scan of the subnet's allocations. */
const PROBE_ROUNDS = 3
/** Neutron's window: an automatic address is drawn from the first this-many free ones. */
const FREE_WINDOW = 1000

/** How to pick an address: the lowest free one (DHCP ports), or a random free one. */
export type AllocationStrategy = 'lowest' | 'random'

function randomBigint(below: bigint): bigint {
  // randomInt only takes ranges below 2^48.
  if (below < 2n ** 48n) return BigInt(randomInt(0, Number(below)))
  // Wide IPv6 pools: 160 random bits modulo the size (uniform enough for picking addresses).
  return BigInt(`0x${randomBytes(20).toString('hex')}`) % below
}

function format(cidr: Cidr, value: bigint): string {
  return formatIp(ipFromValue(cidr.version, value))
}

/** Free addresses of the pools in ascending order, at most `max`, given the taken set. */
function freeAddresses(ranges: readonly IpRange[], taken: Set<bigint>, max: number): bigint[] {
  const out: bigint[] = []
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : 1))
  for (const r of sorted) {
    for (let a = r.first; a <= r.last && out.length < max; a++) {
      if (!taken.has(a)) out.push(a)
    }
    if (out.length >= max) break
  }
  return out
}

async function takenSet(db: Executor, subnetId: string): Promise<Set<bigint>> {
  const set = new Set<bigint>()
  for (const text of await allocatedAddresses(db, subnetId)) {
    const ip = parseIp(text)
    if (ip) set.add(ip.value)
  }
  return set
}

/**
 * Picks a free address of a subnet's pools, or undefined when they are exhausted.
 * `random` probes random pool addresses with one indexed query per batch, so picking stays
 * cheap on large subnets; when probes keep hitting taken addresses it scans, as Neutron does,
 * and draws from the first FREE_WINDOW free addresses. The caller inserts the address; the
 * primary key on (ip_address, subnet_id) settles any race with a concurrent writer.
 */
export async function pickAddress(
  db: Executor,
  subnet: { id: string; cidr: Cidr; pools: readonly IpRange[] },
  strategy: AllocationStrategy,
): Promise<string | undefined> {
  const size = rangesSize(subnet.pools)
  if (size === 0n) return undefined
  if (strategy === 'random') {
    for (let round = 0; round < PROBE_ROUNDS; round++) {
      const candidates = new Set<string>()
      for (let i = 0; i < PROBE_BATCH; i++) {
        const value = addressAt(subnet.pools, randomBigint(size))
        if (value !== undefined) candidates.add(format(subnet.cidr, value))
      }
      const taken = await takenAmong(db, subnet.id, [...candidates])
      const free = [...candidates].find((c) => !taken.has(c))
      if (free !== undefined) return free
    }
  }
  const taken = await takenSet(db, subnet.id)
  const window = strategy === 'lowest' ? 1 : FREE_WINDOW
  const free = freeAddresses(subnet.pools, taken, window)
  if (free.length === 0) return undefined
  const chosen = strategy === 'lowest' ? free[0] : free[randomInt(0, free.length)]
  return chosen === undefined ? undefined : format(subnet.cidr, chosen)
}
