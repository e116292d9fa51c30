import { availableParallelism, cpus } from 'node:os'
import { inspect } from 'node:util'
import { Worker } from 'node:worker_threads'
import { openDatabase } from '../src/db/database.js'
import { upgradeDatabase } from '../src/db/migrator.js'
import { agentSection } from './agent.js'
import type { ApiWorkerData, ApiWorkerReady } from './api-worker.js'
import { createBenchClient, type BenchClient } from './http-client.js'
import { formatTable, type Metric } from './report.js'
import { AUTH_METRICS, benchAuth, type AuthBenchDeps } from './auth.js'
import { BENCH_BUSES, benchRpc, RPC_METRICS } from './rpc.js'
import { BENCH_ENGINES, createScratchDatabase, type BenchEngine } from './scratch-database.js'
import {
  createConcurrently,
  createNetworkWithSubnet,
  createSequentially,
  fillTo,
  PortCounter,
  timeList,
} from './workload.js'

/**
 * `npm run bench`: port create throughput and port list latency of the REST API, through real
 * HTTP on 127.0.0.1, on a scratch SQLite file and a scratch PostgreSQL database; then RPC call
 * latency and cast throughput on the in-process bus and RabbitMQ; then the DHCP agent (server and
 * agent processes, real dnsmasq; run as root); `auth` compares port creates under Keystone
 * auth with noauth (starts a real Keystone). Narrow the suites with
 * LEASEHOLD_BENCH_SUITES=api,rpc,auth,agent and the engines with LEASEHOLD_BENCH_ENGINES=sqlite,postgresql.
 * Progress goes to stderr, the tables to stdout.
 */

const WARMUP_CREATES = 200
const SEQUENTIAL_CREATES = 2000
const CONCURRENT_CLIENTS = 8
const CONCURRENT_CREATES = 4000
const SMALL_LIST = 1000
const LARGE_LIST = 10000
const LIST_CALLS = 20
const LIST_WARMUP = 2
/** The shipped `[database] max_pool_size`. */
const MAX_POOL_SIZE = 5
/** Most milliseconds the API thread gets to stop before it is terminated. */
const STOP_DEADLINE_MS = 10_000

const METRICS: readonly Metric[] = [
  {
    name: 'create, sequential',
    unit: 'ports/s',
    floor: { kind: 'atLeast', bound: 500, engines: ['sqlite'] },
  },
  { name: 'create, sequential, median', unit: 'ms' },
  { name: 'create, sequential, p95', unit: 'ms' },
  { name: `create, ${CONCURRENT_CLIENTS} clients`, unit: 'ports/s' },
  { name: 'create, bulk of 100', unit: 'ports/s' },
  { name: 'list 1,000 ports, median', unit: 'ms', floor: { kind: 'below', bound: 20 } },
  { name: 'list 1,000 ports, p95', unit: 'ms', floor: { kind: 'below', bound: 20 } },
  { name: 'list 10,000 ports, median', unit: 'ms', floor: { kind: 'below', bound: 200 } },
  { name: 'list 10,000 ports, p95', unit: 'ms', floor: { kind: 'below', bound: 200 } },
]

function progress(message: string): void {
  process.stderr.write(`${message}\n`)
}

/** The engines named in LEASEHOLD_BENCH_ENGINES, or all; an unknown name is an error. */
function selectedEngines(): BenchEngine[] {
  const named = process.env.LEASEHOLD_BENCH_ENGINES
  if (named === undefined || named.trim() === '') return [...BENCH_ENGINES]
  const names = named.split(',').map((n) => n.trim().toLowerCase())
  const unknown = names.filter((n) => !(BENCH_ENGINES as readonly string[]).includes(n))
  if (unknown.length > 0) {
    throw new Error(`LEASEHOLD_BENCH_ENGINES: unknown engine(s) ${unknown.join(', ')}`)
  }
  return BENCH_ENGINES.filter((e) => names.includes(e))
}

interface RunningApi {
  readonly baseUrl: string
  stop(): Promise<void>
}

/** Starts the API in a worker thread over `url`; resolves once it listens. */
async function startApi(url: string, auth?: ApiWorkerData['auth']): Promise<RunningApi> {
  const workerData: ApiWorkerData = { url, maxPoolSize: MAX_POOL_SIZE, ...(auth ? { auth } : {}) }
  const worker = new Worker(new URL('./api-worker.js', import.meta.url), { workerData })
  let failure: unknown
  worker.on('error', (error) => (failure = error))
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve))
  const ready = await new Promise<ApiWorkerReady>((resolve, reject) => {
    worker.once('message', resolve)
    // Once resolved, a later exit's reject is a no-op.
    void exited.then((code) =>
      reject(new Error(`API worker exited (${code}) before listening`, { cause: failure })),
    )
  })
  return {
    baseUrl: `http://127.0.0.1:${ready.port}`,
    stop: async () => {
      worker.postMessage('stop')
      const deadline = setTimeout(() => void worker.terminate(), STOP_DEADLINE_MS)
      await exited
      clearTimeout(deadline)
      if (failure !== undefined) throw new Error('API worker failed', { cause: failure })
    },
  }
}

async function migrate(url: string): Promise<void> {
  const handle = openDatabase(url, { maxPoolSize: 1 })
  try {
    await upgradeDatabase(handle)
  } finally {
    await handle.close()
  }
}

/** Runs every phase against a running API; returns metric name → value. */
async function measure(client: BenchClient): Promise<Map<string, number>> {
  const results = new Map<string, number>()
  const networkId = await createNetworkWithSubnet(client)
  const ports = new PortCounter()
  progress(`  warm-up: ${WARMUP_CREATES} creates`)
  await createSequentially(client, networkId, ports, WARMUP_CREATES)
  await fillTo(client, networkId, ports, SMALL_LIST)
  progress(`  list with ${ports.count} ports`)
  const small = await timeList(client, SMALL_LIST, { calls: LIST_CALLS, warmup: LIST_WARMUP })
  results.set('list 1,000 ports, median', small.median).set('list 1,000 ports, p95', small.p95)
  progress(`  ${SEQUENTIAL_CREATES} sequential creates`)
  const sequential = await createSequentially(client, networkId, ports, SEQUENTIAL_CREATES)
  results.set('create, sequential', sequential.rate)
  results.set('create, sequential, median', sequential.latency.median)
  results.set('create, sequential, p95', sequential.latency.p95)
  progress(`  ${CONCURRENT_CREATES} creates from ${CONCURRENT_CLIENTS} clients`)
  const concurrent = await createConcurrently(client, networkId, ports, {
    count: CONCURRENT_CREATES,
    clients: CONCURRENT_CLIENTS,
  })
  results.set(`create, ${CONCURRENT_CLIENTS} clients`, concurrent)
  progress(`  bulk creates up to ${LARGE_LIST} ports`)
  results.set('create, bulk of 100', await fillTo(client, networkId, ports, LARGE_LIST))
  progress(`  list with ${ports.count} ports`)
  const large = await timeList(client, LARGE_LIST, { calls: LIST_CALLS, warmup: LIST_WARMUP })
  results.set('list 10,000 ports, median', large.median).set('list 10,000 ports, p95', large.p95)
  return results
}

/** One engine: scratch database, migrations, API, measurements; everything removed after. */
async function benchEngine(engine: BenchEngine): Promise<Map<string, number>> {
  progress(`${engine}:`)
  const scratch = await createScratchDatabase(engine)
  try {
    await migrate(scratch.url)
    const api = await startApi(scratch.url)
    try {
      const client = createBenchClient(api.baseUrl, CONCURRENT_CLIENTS)
      try {
        return await measure(client)
      } finally {
        client.close()
      }
    } finally {
      await api.stop()
    }
  } finally {
    await scratch.drop()
  }
}

function selectedSuites(): Set<string> {
  const named = process.env.LEASEHOLD_BENCH_SUITES
  if (named === undefined || named.trim() === '') return new Set(['api', 'rpc', 'auth', 'agent'])
  return new Set(named.split(',').map((n) => n.trim().toLowerCase()))
}

async function apiSection(): Promise<string> {
  const engines = selectedEngines()
  const results = new Map<string, Map<string, number>>()
  for (const engine of engines) results.set(engine, await benchEngine(engine))
  return [
    `API in a worker thread, HTTP keep-alive on 127.0.0.1; PostgreSQL pool ${MAX_POOL_SIZE}.`,
    `Lists: ${LIST_CALLS} admin GET /v2.0/ports after ${LIST_WARMUP} warm-up, timed to last byte.`,
    '',
    formatTable(METRICS, engines, results),
  ].join('\n')
}

async function rpcSection(): Promise<string> {
  const results = new Map<string, Map<string, number>>()
  for (const bus of BENCH_BUSES) results.set(bus, await benchRpc(bus, progress))
  return [
    'RPC client and server in one process; RabbitMQ: local broker, scratch vhost, publisher confirms.',
    '',
    formatTable(RPC_METRICS, BENCH_BUSES, results),
  ].join('\n')
}

async function authSection(): Promise<string> {
  const deps: AuthBenchDeps = { startApi, migrate, progress }
  const { results, columns, note } = await benchAuth(deps)
  return [note, '', formatTable(AUTH_METRICS, columns, results)].join('\n')
}

async function main(): Promise<void> {
  const suites = selectedSuites()
  const sections: string[] = []
  if (suites.has('api')) sections.push(await apiSection())
  if (suites.has('rpc')) sections.push(await rpcSection())
  if (suites.has('auth')) sections.push(await authSection())
  if (suites.has('agent')) sections.push(await agentSection(progress))
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  process.stdout.write(
    [
      `Leasehold benchmark — Node ${process.version}, ${availableParallelism()} CPUs (${cpu})`,
      '',
      sections.join('\n\n'),
      '',
    ].join('\n'),
  )
}

try {
  await main()
} catch (error) {
  // inspect() prints the stack and the whole `cause` chain.
  process.stderr.write(`bench failed: ${inspect(error)}\n`)
  process.exitCode = 1
}
