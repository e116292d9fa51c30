import { resolve } from 'node:path'
import { OSLO_TOOLS, runOsloScript } from './oslo.js'
import { setTracing, sharedBroker, type RabbitBroker } from './rabbitmq.js'

/** A conformance.py run against a server implementing the echo contract. */
export interface ConformanceOptions {
  readonly url: string
  readonly topic: string
  readonly server: string
  readonly exchange?: string
  /** Also check every published message on the vhost's firehose (tracing is switched on for it). */
  readonly firehose?: boolean
  /** Check names to run (conformance.py --only); all by default. */
  readonly only?: readonly string[]
  /** The node holding the vhost, for `trace_on`; the shared broker by default. */
  readonly broker?: RabbitBroker
}

/** One `PASS name` / `FAIL name: why` line. */
export interface ConformanceCheck {
  readonly name: string
  readonly passed: boolean
  readonly detail: string
}

/** The checks, conformance.py's JSON summary and its whole output. */
export interface ConformanceResult {
  readonly exitCode: number | null
  readonly checks: ConformanceCheck[]
  readonly summary: { passed: number; failed: number; failures: Record<string, string> }
  readonly output: string
}

/** Runs conformance.py (about 11 s for all checks) and parses its lines. */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceResult> {
  const argv = [resolve(OSLO_TOOLS, 'conformance.py'), options.topic, options.server]
  argv.push('--url', options.url, '--exchange', options.exchange ?? 'neutron')
  if (options.only) argv.push('--only', options.only.join(','))
  // conformance.py --enable-trace would run `rabbitmqctl trace_on` on vhost "/" of the shared
  // node only; the firehose is per vhost, so switch it on here for the URL's vhost and node.
  const vhost = decodeURIComponent(new URL(options.url).pathname.slice(1)) || '/'
  const broker = options.broker ?? sharedBroker
  if (options.firehose) {
    await setTracing(vhost, true, broker)
    argv.push('--firehose')
  }
  try {
    const { exitCode, stdout, stderr } = await runOsloScript(argv, 180_000)
    const output = stdout + stderr
    const checks = [...stdout.matchAll(/^(PASS|FAIL) ([\w.-]+):? ?(.*)$/gm)].map((m) => ({
      name: m[2]!,
      passed: m[1] === 'PASS',
      detail: m[3]!,
    }))
    const last = stdout.split('\n').findLast((line) => line.startsWith('{"passed"'))
    if (!last) throw new Error(`conformance.py printed no summary (exit ${exitCode}):\n${output}`)
    return { exitCode, checks, summary: JSON.parse(last) as ConformanceResult['summary'], output }
  } finally {
    if (options.firehose) await setTracing(vhost, false, broker)
  }
}
