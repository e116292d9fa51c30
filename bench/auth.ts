import type { AuthSettings } from '../src/api/auth/index.js'
import { startKeystone, type KeystoneServer } from '../test/support/keystone-server.js'
import { createBenchClient } from './http-client.js'
import { quantile, type Metric } from './report.js'
import { createScratchDatabase } from './scratch-database.js'
import {
  createConcurrently,
  createNetworkWithSubnet,
  createSequentially,
  PortCounter,
  type CallerHeaders,
} from './workload.js'

/**
 * The `auth` suite: port creates per second on SQLite with `auth_strategy = keystone` (a real
 * Keystone, the caller's token validated once and then served from the cache) against noauth,
 * the same member of the same project either way. Rounds alternate between the two (and which
 * goes first); each column is the median of its rounds.
 */

const ROUNDS = 4
const WARMUP_CREATES = 200
const SEQUENTIAL_CREATES = 1000
const CLIENTS = 8
const CONCURRENT_CREATES = 2000

/** The strategies compared, as table columns. */
const MODES = ['noauth', 'keystone'] as const
type Mode = (typeof MODES)[number]

const SEQUENTIAL = 'create, sequential'
const CONCURRENT = `create, ${CLIENTS} clients`
const COST_SEQUENTIAL = 'auth cost, sequential'
const COST_CONCURRENT = `auth cost, ${CLIENTS} clients`

/** The suite's table rows; the cost of Keystone auth must stay under 10 %. */
export const AUTH_METRICS: readonly Metric[] = [
  { name: SEQUENTIAL, unit: 'ports/s' },
  { name: CONCURRENT, unit: 'ports/s' },
  { name: COST_SEQUENTIAL, unit: '%', floor: { kind: 'below', bound: 10, engines: ['keystone'] } },
  { name: COST_CONCURRENT, unit: '%', floor: { kind: 'below', bound: 10, engines: ['keystone'] } },
]

/** What the suite needs from the benchmark runner. */
export interface AuthBenchDeps {
  startApi(url: string, auth?: AuthSettings): Promise<{ baseUrl: string; stop(): Promise<void> }>
  migrate(url: string): Promise<void>
  progress(message: string): void
}

function keystoneSettings(keystone: KeystoneServer): AuthSettings {
  return {
    strategy: 'keystone',
    httpBasicAuthUserFile: '',
    keystone: {
      www_authenticate_uri: keystone.authUrl,
      auth_url: keystone.authUrl,
      auth_type: 'password',
      username: 'network',
      password: 'network-pass',
      project_name: 'service',
      user_domain_name: 'Default',
      project_domain_name: 'Default',
      region_name: 'RegionOne',
      token_cache_time: 300,
      http_connect_timeout: 10,
    },
  }
}

/** One round of one mode on a fresh SQLite file: ports/s sequential and concurrent. */
async function round(
  deps: AuthBenchDeps,
  caller: CallerHeaders,
  auth: AuthSettings | undefined,
): Promise<{ sequential: number; concurrent: number }> {
  const scratch = await createScratchDatabase('sqlite')
  try {
    await deps.migrate(scratch.url)
    const api = await deps.startApi(scratch.url, auth)
    try {
      const client = createBenchClient(api.baseUrl, CLIENTS)
      try {
        const networkId = await createNetworkWithSubnet(client, caller)
        const ports = new PortCounter()
        await createSequentially(client, networkId, ports, WARMUP_CREATES, caller)
        const sequential = await createSequentially(
          client,
          networkId,
          ports,
          SEQUENTIAL_CREATES,
          caller,
        )
        const concurrent = await createConcurrently(client, networkId, ports, {
          count: CONCURRENT_CREATES,
          clients: CLIENTS,
          caller,
        })
        return { sequential: sequential.rate, concurrent }
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

/** Runs the suite: starts Keystone, alternates rounds, stops Keystone and removes it. */
export async function benchAuth(deps: AuthBenchDeps): Promise<{
  results: Map<string, Map<string, number>>
  columns: readonly string[]
  note: string
}> {
  deps.progress('auth: starting Keystone')
  const keystone = await startKeystone()
  try {
    deps.progress(`  Keystone started in ${keystone.startSeconds.toFixed(1)} s`)
    const user = await keystone.createUser({
      name: 'bench-member',
      password: 'bench-pw',
      project: 'bench',
      role: 'member',
    })
    const { token } = await keystone.issueToken(user)
    const callers: Record<Mode, CallerHeaders> = {
      noauth: { 'x-project-id': user.projectId, 'x-roles': 'member,reader' },
      keystone: { 'x-auth-token': token },
    }
    const samples = new Map<Mode, { sequential: number[]; concurrent: number[] }>(
      MODES.map((m) => [m, { sequential: [], concurrent: [] }]),
    )
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which mode goes first, so that drift during a round favours neither.
      for (const mode of i % 2 === 0 ? MODES : [...MODES].reverse()) {
        deps.progress(`  round ${i + 1}/${ROUNDS}: ${mode}`)
        const auth = mode === 'keystone' ? keystoneSettings(keystone) : undefined
        const measured = await round(deps, callers[mode], auth)
        samples.get(mode)?.sequential.push(measured.sequential)
        samples.get(mode)?.concurrent.push(measured.concurrent)
      }
    }
    const results = new Map<string, Map<string, number>>()
    for (const mode of MODES) {
      const s = samples.get(mode)
      results.set(
        mode,
        new Map([
          [SEQUENTIAL, quantile(s?.sequential ?? [], 0.5)],
          [CONCURRENT, quantile(s?.concurrent ?? [], 0.5)],
        ]),
      )
    }
    const cost = (metric: string) => {
      const base = results.get('noauth')?.get(metric) ?? Number.NaN
      const withAuth = results.get('keystone')?.get(metric) ?? Number.NaN
      return ((base - withAuth) / base) * 100
    }
    results.get('keystone')?.set(COST_SEQUENTIAL, cost(SEQUENTIAL))
    results.get('keystone')?.set(COST_CONCURRENT, cost(CONCURRENT))
    const note = [
      `Port creates on SQLite as one member, noauth headers vs a Keystone token (token_cache_time 300);`,
      `median of ${ROUNDS} alternating rounds of ${SEQUENTIAL_CREATES} sequential and ${CONCURRENT_CREATES} concurrent creates.`,
    ].join('\n')
    return { results, columns: MODES, note }
  } finally {
    await keystone.stop()
  }
}
