import {
  GatewayConflictWithAllocationPools,
  InvalidAllocationPool,
  OutOfBoundsAllocationPool,
  OverlappingAllocationPools,
} from '../../common/errors.js'
import { cidrFirst, cidrLast, formatCidr, type Cidr } from '../../common/net/cidr.js'
import { formatIp, ipFromValue, parseIp } from '../../common/net/ip.js'
import type { AllocationPool } from '../../common/resources.js'

/** An inclusive range of addresses of one IP version. */
export interface IpRange {
  readonly first: bigint
  readonly last: bigint
}

/** The addresses of a subnet that pools may use: IPv4 skips network and broadcast (up to /30). */
export function usableRange(cidr: Cidr): IpRange {
  const first = cidrFirst(cidr)
  const last = cidrLast(cidr)
  if (first === last) return { first, last }
  if (cidr.version === 4) {
    return last - first <= 1n ? { first, last } : { first: first + 1n, last: last - 1n }
  }
  return { first: first + 1n, last }
}

/** Removes one address from a list of ranges, splitting a range if it falls inside. */
function without(ranges: readonly IpRange[], address: bigint): IpRange[] {
  return ranges.flatMap((r) => {
    if (address < r.first || address > r.last) return [r]
    const parts: IpRange[] = []
    if (address > r.first) parts.push({ first: r.first, last: address - 1n })
    if (address < r.last) parts.push({ first: address + 1n, last: r.last })
    return parts
  })
}

/** Neutron's default pools: the usable range minus the gateway (which may split it in two). */
export function defaultPools(cidr: Cidr, gateway: bigint | null): IpRange[] {
  const usable = [usableRange(cidr)]
  return gateway === null ? usable : without(usable, gateway)
}

/** Formats a range as the API shows it. */
export function formatPool(cidr: Cidr, range: IpRange): AllocationPool {
  return {
    start: formatIp(ipFromValue(cidr.version, range.first)),
    end: formatIp(ipFromValue(cidr.version, range.last)),
  }
}

function describe(pool: AllocationPool): string {
  return `${pool.start}-${pool.end}`
}

/** Parses and checks requested pools against the subnet; throws Neutron's errors. */
export function validatePools(cidr: Cidr, pools: readonly AllocationPool[]): IpRange[] {
  const usable = usableRange(cidr)
  const ranges = pools.map((pool) => {
    const start = parseIp(pool.start)
    const end = parseIp(pool.end)
    if (!start || !end || start.version !== cidr.version || end.version !== cidr.version) {
      throw new InvalidAllocationPool(describe(pool))
    }
    if (start.value > end.value) throw new InvalidAllocationPool(describe(pool))
    if (start.value < usable.first || end.value > usable.last) {
      throw new OutOfBoundsAllocationPool(describe(pool), formatCidr(cidr))
    }
    return { first: start.value, last: end.value, pool }
  })
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]
    const cur = sorted[i]
    if (prev && cur && cur.first <= prev.last) {
      throw new OverlappingAllocationPools(
        describe(prev.pool),
        describe(cur.pool),
        formatCidr(cidr),
      )
    }
  }
  return ranges.map(({ first, last }) => ({ first, last }))
}

/** Throws 409 when the gateway lies inside one of the pools. */
export function checkGatewayOutsidePools(
  cidr: Cidr,
  gateway: bigint | null,
  ranges: readonly IpRange[],
): void {
  if (gateway === null) return
  for (const r of ranges) {
    if (gateway >= r.first && gateway <= r.last) {
      const pool = formatPool(cidr, r)
      throw new GatewayConflictWithAllocationPools(
        describe(pool),
        formatIp(ipFromValue(cidr.version, gateway)),
      )
    }
  }
}

/** Total number of addresses in some ranges. */
export function rangesSize(ranges: readonly IpRange[]): bigint {
  return ranges.reduce((n, r) => n + (r.last - r.first + 1n), 0n)
}

/** The address at position `offset` counting through the ranges in order. */
export function addressAt(ranges: readonly IpRange[], offset: bigint): bigint | undefined {
  let rest = offset
  for (const r of ranges) {
    const size = r.last - r.first + 1n
    if (rest < size) return r.first + rest
    rest -= size
  }
  return undefined
}
