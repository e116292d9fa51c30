import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { AgentDeployment } from './agent-deployment.js'
import { activeDnsmasqPid, type BenchHost } from './agent-host.js'
import { residentMegabytes } from './agent-processes.js'
import { createPort, growNetworks, randomMac, type BenchNetwork } from './agent-workload.js'

/** The measurements of the agent benchmark, each against a running deployment. */

const PORTS_PER_NETWORK = 5
/** Networks created at once while growing to N. */
const CREATE_CONCURRENCY = 4
/** The CIDR of every scale network: each is an L2 domain of its own, so they may overlap. */
const SCALE_CIDR = '198.19.0.0/24'
/** Most milliseconds a single port may take to reach the host file or get a lease. */
const SAMPLE_TIMEOUT_MS = 60_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** Times one POST /v2.0/ports until the port's MAC is in the network's host file (ms). */
async function timeHostEntry(deployment: AgentDeployment, networkId: string): Promise<number> {
  const hostFile = join(deployment.dhcpDir, networkId, 'host')
  const started = performance.now()
  const { mac } = await createPort(deployment.api, networkId)
  while (!readIfExists(hostFile).includes(mac)) {
    if (performance.now() - started > SAMPLE_TIMEOUT_MS) {
      throw new Error(`port ${mac} not in ${hostFile} after ${SAMPLE_TIMEOUT_MS} ms`)
    }
    await sleep(1)
  }
  return performance.now() - started
}

/** `count` sequential port creates after `warmup`; each one's POST → host file latency (ms). */
export async function hostEntryLatencies(
  deployment: AgentDeployment,
  networkId: string,
  options: { warmup: number; count: number },
): Promise<number[]> {
  for (let i = 0; i < options.warmup; i++) await timeHostEntry(deployment, networkId)
  const samples: number[] = []
  for (let i = 0; i < options.count; i++) samples.push(await timeHostEntry(deployment, networkId))
  return samples
}

/**
 * POST → lease (ms), `count` times: a client namespace with a new MAC is plugged into the
 * network's bridge first, then the port is created with that MAC and `udhcpc` runs until it gets
 * a lease. Returns the samples and how many udhcpc runs failed before the lease.
 */
export async function leaseLatencies(
  deployment: AgentDeployment,
  host: BenchHost,
  options: { networkId: string; count: number },
): Promise<{ samples: number[]; retries: number }> {
  const bridge = `brq${options.networkId.slice(0, 11)}`
  const samples: number[] = []
  let retries = 0
  for (let i = 0; i < options.count; i++) {
    const client = await host.plugClient(bridge, randomMac())
    try {
      const started = performance.now()
      await createPort(deployment.api, options.networkId, client.mac)
      while (!(await host.udhcpc(client))) {
        retries++
        if (performance.now() - started > SAMPLE_TIMEOUT_MS) {
          throw new Error(`no lease for ${client.mac} within ${SAMPLE_TIMEOUT_MS} ms`)
        }
      }
      samples.push(performance.now() - started)
    } finally {
      host.removeClient(client)
    }
  }
  return { samples, retries }
}

/** Whether the network's dnsmasq runs (pid file, /proc cmdline) and its host file has `macs`. */
function isServed(dhcpDir: string, network: BenchNetwork): boolean {
  if (activeDnsmasqPid(dhcpDir, network.id) === undefined) return false
  const hosts = readIfExists(join(dhcpDir, network.id, 'host'))
  return network.macs.every((mac) => hosts.includes(mac))
}

/**
 * Waits until every network is served. Serving only grows during a sync, so the networks are
 * checked in order and each only until it is served: one network's files per poll, which keeps
 * the benchmark from competing with the agent for CPU.
 */
async function untilAllServed(
  dhcpDir: string,
  networks: readonly BenchNetwork[],
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  for (const network of networks) {
    while (!isServed(dhcpDir, network)) {
      if (performance.now() > deadline) {
        throw new Error(`network ${network.id} not served within ${timeoutMs} ms`)
      }
      await sleep(5)
    }
  }
}

/** Most milliseconds for the agent to serve `n` networks. */
const serveTimeout = (n: number) => Math.max(60_000, n * 500)

/**
 * Grows the benchmark's networks to `target` (with the agent alive, so the scheduler binds them
 * to it) and waits until the agent serves them all.
 */
export async function growTo(
  deployment: AgentDeployment,
  host: BenchHost,
  networks: BenchNetwork[],
  target: number,
): Promise<void> {
  await growNetworks(deployment.api, networks, {
    target,
    ports: PORTS_PER_NETWORK,
    cidr: SCALE_CIDR,
    concurrency: CREATE_CONCURRENCY,
    onCreated: (id) => host.networkIds.add(id),
  })
  await untilAllServed(deployment.dhcpDir, networks, serveTimeout(target))
}

/** What a cold sync and a restart over some networks took. */
export interface ScaleResult {
  /** Spawn → every network's dnsmasq serving its host file (ms). */
  readonly coldSyncMs: number
  /** The agent's VmRSS after the cold sync (MB). */
  readonly rssMb: number
  /** Spawn → the agent's `synced` log line with `full: true` (ms). */
  readonly restartMs: number
  /** dnsmasq processes whose pid changed over the restart. */
  readonly restarted: number
  /** `dnsmasq adopted` and `dnsmasq started` log lines of the restarted agent. */
  readonly adopted: number
  readonly started: number
}

/**
 * Cold sync: stops the agent, removes its state (dnsmasq, namespaces, bridges, files), spawns a
 * fresh one and times it until every network is served. Then a restart with dnsmasq left running,
 * timed to the full sync's log line, counting the dnsmasq processes that changed.
 */
export async function coldSyncAndRestart(
  deployment: AgentDeployment,
  host: BenchHost,
  networks: readonly BenchNetwork[],
): Promise<ScaleResult> {
  const dhcpDir = deployment.dhcpDir
  await deployment.stopAgent()
  host.removeAgentState(dhcpDir)
  if (existsSync(dhcpDir)) throw new Error(`${dhcpDir} is still there`)
  const cold = deployment.startAgent()
  await untilAllServed(dhcpDir, networks, serveTimeout(networks.length))
  const coldSyncMs = performance.now() - cold.spawnedAt
  await deployment.agentLogged('DHCP agent started')
  const rssMb = residentMegabytes(cold.pid)
  const pids = networks.map((network) => activeDnsmasqPid(dhcpDir, network.id))
  await deployment.stopAgent()
  const warm = deployment.startAgent()
  const synced = await warm.waitForLog(
    (fields) => fields['msg'] === 'synced' && fields['full'] === true,
    serveTimeout(networks.length),
  )
  const restartMs = synced.at - warm.spawnedAt
  const restarted = networks.filter(
    (network, i) => activeDnsmasqPid(dhcpDir, network.id) !== pids[i],
  ).length
  await deployment.agentLogged('DHCP agent started')
  return {
    coldSyncMs,
    rssMb,
    restartMs,
    restarted,
    adopted: warm.count('dnsmasq adopted'),
    started: warm.count('dnsmasq started'),
  }
}
