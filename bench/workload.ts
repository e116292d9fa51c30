import { performance } from 'node:perf_hooks'
import type { BenchClient, BenchResponse } from './http-client.js'
import { quantile } from './report.js'

/** Creates run as one project (noauth `X-Project-Id`), as Nova does with the user's token. */
const AS_PROJECT = { 'x-project-id': 'b5e1c0de0000000000000000000000be' }

/** Request headers that say who calls (noauth headers, or a Keystone token). */
export type CallerHeaders = Readonly<Record<string, string>>

/** Ports per bulk POST when filling the database. */
export const BULK_BATCH = 100

/** Latency summary of some timed calls, in milliseconds. */
export interface Latency {
  readonly median: number
  readonly p95: number
}

function summarize(samplesMs: readonly number[]): Latency {
  return { median: quantile(samplesMs, 0.5), p95: quantile(samplesMs, 0.95) }
}

function expectStatus(response: BenchResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 300)}`)
  }
}

/** Creates the network and the /16 subnet (198.18.0.0/16) the ports go on; returns the network id. */
export async function createNetworkWithSubnet(
  client: BenchClient,
  caller: CallerHeaders = AS_PROJECT,
): Promise<string> {
  const network = await client.request(
    'POST',
    '/v2.0/networks',
    { network: { name: 'bench-net' } },
    caller,
  )
  expectStatus(network, 201, 'create network')
  const networkId = (JSON.parse(network.text) as { network: { id: string } }).network.id
  const subnet = await client.request(
    'POST',
    '/v2.0/subnets',
    {
      subnet: { network_id: networkId, ip_version: 4, cidr: '198.18.0.0/16', name: 'bench-subnet' },
    },
    caller,
  )
  expectStatus(subnet, 201, 'create subnet')
  return networkId
}

function portBody(networkId: string, n: number) {
  return { network_id: networkId, name: `bench-port-${n}`, device_owner: 'compute:bench' }
}

/** Numbers ports so every name is unique across all phases. */
export class PortCounter {
  private created = 0
  /** How many ports exist. */
  get count(): number {
    return this.created
  }
  /** Reserves the next port number. */
  next(): number {
    return this.created++
  }
}

async function createOne(
  client: BenchClient,
  networkId: string,
  counter: PortCounter,
  caller: CallerHeaders,
): Promise<number> {
  const body = { port: portBody(networkId, counter.next()) }
  const started = performance.now()
  const response = await client.request('POST', '/v2.0/ports', body, caller)
  const elapsed = performance.now() - started
  expectStatus(response, 201, 'create port')
  return elapsed
}

/** Creates `count` ports one after another; returns ports/s and the per-call latency. */
export async function createSequentially(
  client: BenchClient,
  networkId: string,
  counter: PortCounter,
  count: number,
  caller: CallerHeaders = AS_PROJECT,
): Promise<{ rate: number; latency: Latency }> {
  const samples: number[] = []
  const started = performance.now()
  for (let i = 0; i < count; i++) samples.push(await createOne(client, networkId, counter, caller))
  const seconds = (performance.now() - started) / 1000
  return { rate: count / seconds, latency: summarize(samples) }
}

/** Creates `count` ports from `clients` concurrent loops; returns ports/s. */
export async function createConcurrently(
  client: BenchClient,
  networkId: string,
  counter: PortCounter,
  options: { count: number; clients: number; caller?: CallerHeaders },
): Promise<number> {
  let claimed = 0
  const loop = async () => {
    while (claimed < options.count) {
      claimed++
      await createOne(client, networkId, counter, options.caller ?? AS_PROJECT)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: options.clients }, loop))
  return options.count / ((performance.now() - started) / 1000)
}

/** Bulk-creates ports (`{"ports": [...]}`, BULK_BATCH per call) until `target` exist; returns ports/s. */
export async function fillTo(
  client: BenchClient,
  networkId: string,
  counter: PortCounter,
  target: number,
): Promise<number> {
  const before = counter.count
  const started = performance.now()
  while (counter.count < target) {
    const size = Math.min(BULK_BATCH, target - counter.count)
    const ports = Array.from({ length: size }, () => portBody(networkId, counter.next()))
    expectStatus(
      await client.request('POST', '/v2.0/ports', { ports }, AS_PROJECT),
      201,
      'bulk create ports',
    )
  }
  const created = counter.count - before
  return created === 0 ? Number.NaN : created / ((performance.now() - started) / 1000)
}

/** Checks a list answer holds exactly `expected` distinct ports, each with one 198.18/16 address. */
function checkListed(text: string, expected: number): void {
  const ports = (
    JSON.parse(text) as { ports: { id: string; fixed_ips: { ip_address: string }[] }[] }
  ).ports
  const ids = new Set(ports.map((p) => p.id))
  const addressed = ports.filter(
    (p) => p.fixed_ips.length === 1 && p.fixed_ips[0]!.ip_address.startsWith('198.18.'),
  )
  if (ids.size !== expected || addressed.length !== expected) {
    throw new Error(
      `list: expected ${expected} ports, got ${ids.size} (${addressed.length} addressed)`,
    )
  }
}

/**
 * Times `GET /v2.0/ports` (as admin) until the last byte arrives, `calls` times after `warmup`
 * untimed calls; every answer is checked to hold `expected` ports, outside the timing.
 */
export async function timeList(
  client: BenchClient,
  expected: number,
  options: { calls: number; warmup: number },
): Promise<Latency> {
  const samples: number[] = []
  for (let i = 0; i < options.warmup + options.calls; i++) {
    const started = performance.now()
    const response = await client.request('GET', '/v2.0/ports')
    const elapsed = performance.now() - started
    expectStatus(response, 200, 'list ports')
    checkListed(response.text, expected)
    if (i >= options.warmup) samples.push(elapsed)
  }
  return summarize(samples)
}
