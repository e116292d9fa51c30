import { existsSync } from 'node:fs'
import { constants } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { AgentDeployment } from './agent-deployment.js'
import { activeDnsmasqPid, BenchHost } from './agent-host.js'
import {
  coldSyncAndRestart,
  growTo,
  hostEntryLatencies,
  leaseLatencies,
  type ScaleResult,
} from './agent-phases.js'
import { waitUntil } from './agent-processes.js'
import { createNetwork, deleteNetwork, type BenchNetwork } from './agent-workload.js'
import { formatTable, quantile, type Metric } from './report.js'

/**
 * DHCP agent benchmark: `leasehold server` and `leasehold dhcp-agent` as separate processes over a
 * scratch RabbitMQ vhost and a scratch SQLite file, with real dnsmasq in real namespaces. Measures
 * port create → host file and → client lease, a cold sync and a restart over N networks, and the
 * agent's memory. LEASEHOLD_BENCH_AGENT_NETWORKS=100,1000 picks the N (default 100).
 */

const WARMUP_CREATES = 20
const HOST_ENTRY_CREATES = 300
const LEASE_SAMPLES = 10
/** The client network's subnet; the scale networks use 198.19.0.0/24. */
const CLIENT_CIDR = '198.18.0.0/22'
const DEFAULT_NETWORK_COUNTS = [100]

const LATENCY_COLUMN = 'sqlite'
const LATENCY_METRICS: readonly Metric[] = [
  { name: 'port create → MAC in host file, p50', unit: 'ms' },
  { name: 'port create → MAC in host file, p95', unit: 'ms', floor: { kind: 'below', bound: 20 } },
  { name: 'port create → client holds a lease, p50', unit: 'ms' },
  { name: 'port create → client holds a lease, p95', unit: 'ms' },
]

const column = (n: number) => `${n} networks`
const at100 = [column(100)]
const SCALE_METRICS: readonly Metric[] = [
  {
    name: 'cold sync: spawn → every dnsmasq serving',
    unit: 's',
    floor: { kind: 'below', bound: 10, engines: at100 },
  },
  {
    name: 'restart: spawn → full sync done',
    unit: 's',
    floor: { kind: 'below', bound: 3, engines: at100 },
  },
  { name: 'restart: dnsmasq restarted', unit: 'count', floor: { kind: 'below', bound: 1 } },
  {
    name: 'agent VmRSS after cold sync',
    unit: 'MB',
    floor: { kind: 'below', bound: 100, engines: at100 },
  },
]

/** The network counts in LEASEHOLD_BENCH_AGENT_NETWORKS, ascending, or the default. */
function networkCounts(): number[] {
  const named = process.env.LEASEHOLD_BENCH_AGENT_NETWORKS
  if (named === undefined || named.trim() === '') return DEFAULT_NETWORK_COUNTS
  const counts = named.split(',').map((n) => Number(n.trim()))
  if (counts.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw new Error(`LEASEHOLD_BENCH_AGENT_NETWORKS: not a list of positive integers: ${named}`)
  }
  return [...new Set(counts)].sort((a, b) => a - b)
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`
}

/** Port create → host file and → lease on a network of its own, deleted after. */
async function measureLatency(
  deployment: AgentDeployment,
  host: BenchHost,
  progress: (m: string) => void,
): Promise<Map<string, number>> {
  const networkId = await createNetwork(deployment.api, { name: 'bench-client', cidr: CLIENT_CIDR })
  host.networkIds.add(networkId)
  await waitUntil(() => activeDnsmasqPid(deployment.dhcpDir, networkId) !== undefined, {
    what: 'dnsmasq of the client network',
    timeoutMs: 60_000,
  })
  let since = performance.now()
  const entries = await hostEntryLatencies(deployment, networkId, {
    warmup: WARMUP_CREATES,
    count: HOST_ENTRY_CREATES,
  })
  progress(
    `  ${WARMUP_CREATES} + ${HOST_ENTRY_CREATES} port creates → host file: ${seconds(since)}`,
  )
  since = performance.now()
  const leases = await leaseLatencies(deployment, host, { networkId, count: LEASE_SAMPLES })
  progress(
    `  ${LEASE_SAMPLES} port creates → lease: ${seconds(since)} (${leases.retries} udhcpc runs without a lease)`,
  )
  await deleteNetwork(deployment.api, networkId)
  await waitUntil(() => !existsSync(join(deployment.dhcpDir, networkId)), {
    what: 'the agent dropping the client network',
    timeoutMs: 60_000,
  })
  const name = (n: string) => `port create → ${n}`
  return new Map([
    [name('MAC in host file, p50'), quantile(entries, 0.5)],
    [name('MAC in host file, p95'), quantile(entries, 0.95)],
    [name('client holds a lease, p50'), quantile(leases.samples, 0.5)],
    [name('client holds a lease, p95'), quantile(leases.samples, 0.95)],
  ])
}

function scaleRow(result: ScaleResult): Map<string, number> {
  return new Map([
    ['cold sync: spawn → every dnsmasq serving', result.coldSyncMs / 1000],
    ['restart: spawn → full sync done', result.restartMs / 1000],
    ['restart: dnsmasq restarted', result.restarted],
    ['agent VmRSS after cold sync', result.rssMb],
  ])
}

/** Cold sync, restart and memory at each network count. */
async function measureScale(
  deployment: AgentDeployment,
  host: BenchHost,
  progress: (m: string) => void,
): Promise<Map<string, Map<string, number>>> {
  const results = new Map<string, Map<string, number>>()
  const networks: BenchNetwork[] = []
  for (const n of networkCounts()) {
    let since = performance.now()
    await growTo(deployment, host, networks, n)
    progress(`  ${n} networks × 5 ports created and served: ${seconds(since)}`)
    since = performance.now()
    const result = await coldSyncAndRestart(deployment, host, networks)
    progress(
      `  ${n} networks: cold sync ${(result.coldSyncMs / 1000).toFixed(2)} s, restart ${(result.restartMs / 1000).toFixed(2)} s (${result.adopted} adopted, ${result.started} started): ${seconds(since)}`,
    )
    results.set(column(n), scaleRow(result))
  }
  return results
}

/** Runs the agent benchmark; everything it made is removed after, also on failure or a signal. */
export async function agentSection(progress: (m: string) => void): Promise<string> {
  const started = performance.now()
  progress('agent:')
  const host = new BenchHost()
  const onSignal = (signal: NodeJS.Signals) => {
    host.cleanup()
    process.exit(128 + constants.signals[signal])
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const deployment = await AgentDeployment.start(host)
    try {
      const latency = await measureLatency(deployment, host, progress)
      const scale = await measureScale(deployment, host, progress)
      return [
        'leasehold server + leasehold dhcp-agent processes, RabbitMQ (scratch vhost), SQLite;',
        `real dnsmasq per network, busybox udhcpc; ${HOST_ENTRY_CREATES} creates after ${WARMUP_CREATES} warm-up, ${LEASE_SAMPLES} leases.`,
        '',
        formatTable(LATENCY_METRICS, [LATENCY_COLUMN], new Map([[LATENCY_COLUMN, latency]])),
        '',
        formatTable(SCALE_METRICS, [...scale.keys()], scale),
        '',
        `agent suite: ${seconds(started)}`,
      ].join('\n')
    } finally {
      await deployment.stop()
    }
  } finally {
    host.cleanup()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
