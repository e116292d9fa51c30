import { execFile, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { onTestProcessExit, signalQuietly } from './processes.js'

const run = promisify(execFile)

/** The shared tool that runs Debian's Keystone under uwsgi: `shared/tools/keystone` beside the checkout. */
function findKeystoneSh(): string {
  const override = process.env.LEASEHOLD_KEYSTONE_SH
  if (override !== undefined && override !== '') return override
  // test/support (or dist/test/support when a benchmark imports it) up to the checkout's parent
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'tools', 'keystone', 'keystone.sh')
    if (existsSync(candidate)) return candidate
  }
  throw new Error('shared/tools/keystone/keystone.sh not found; set LEASEHOLD_KEYSTONE_SH')
}

/** Credentials keystone.sh makes: the cloud admin and the network service's user. */
export const KEYSTONE_ADMIN = { name: 'admin', password: 'admin-pass', project: 'admin' }
export const KEYSTONE_SERVICE = { name: 'network', password: 'network-pass', project: 'service' }

/** A user with a role on a project, made by `KeystoneServer.createUser`. */
export interface KeystoneUser {
  readonly name: string
  readonly password: string
  readonly project: string
  readonly userId: string
  readonly projectId: string
}

/** A token Keystone issued; `expiresAt` in milliseconds since the epoch. */
export interface IssuedToken {
  readonly token: string
  readonly expiresAt: number
}

/** A Keystone of a test's own, on 127.0.0.1 and a database of its own. */
export interface KeystoneServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** The identity API root, `<url>/v3`. */
  readonly authUrl: string
  readonly dir: string
  /** Seconds `keystone.sh start` took. */
  readonly startSeconds: number
  /** Makes a project (if new) and a user (if new) with `role` on it. */
  createUser(options: {
    name: string
    password: string
    project: string
    role: string
  }): Promise<KeystoneUser>
  /** A project-scoped token for a user (password authentication). */
  issueToken(user: { name: string; password: string; project: string }): Promise<IssuedToken>
  /** A token that expires in about `seconds`, through an application credential that expires then. */
  issueShortLivedToken(user: KeystoneUser, seconds: number): Promise<IssuedToken>
  /** Revokes a token (`DELETE /v3/auth/tokens`). */
  revokeToken(token: string): Promise<void>
  /** Points the catalog's `network` endpoints at `url`. */
  setNetworkEndpoint(url: string): Promise<void>
  /** Environment for the `openstack` client acting as `user`. */
  clientEnv(user: { name: string; password: string; project: string }): Record<string, string>
  /** Stops Keystone, drops its database and removes its directory; later calls do nothing. */
  stop(): Promise<void>
}

/** A port that was free a moment ago on 127.0.0.1 (kept here so that benchmarks can import this). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function databaseName(port: number): string {
  return `keystone_${port}`
}

/** The uwsgi master and its children (the workers), read from the pid file. */
function uwsgiPids(dir: string): number[] {
  const file = join(dir, 'pid')
  if (!existsSync(file)) return []
  const master = Number(readFileSync(file, 'utf8').trim())
  if (!Number.isInteger(master) || master <= 0) return []
  let children: number[] = []
  try {
    children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(master)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0)
  } catch {
    // no children (ps exits 1)
  }
  return [master, ...children]
}

async function keystoneRequest(
  url: string,
  init: { method: string; token?: string; body?: unknown; headers?: Record<string, string> },
): Promise<Response> {
  const response = await fetch(url, {
    method: init.method,
    headers: {
      accept: 'application/json',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token === undefined ? {} : { 'x-auth-token': init.token }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  if (response.status >= 400) {
    throw new Error(`Keystone ${init.method} ${url}: ${response.status} ${await response.text()}`)
  }
  return response
}

function passwordAuth(user: { name: string; password: string; project: string }) {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: user.name, domain: { id: 'default' }, password: user.password } },
      },
      scope: { project: { name: user.project, domain: { id: 'default' } } },
    },
  }
}

async function tokenFrom(response: Response): Promise<IssuedToken> {
  const token = response.headers.get('x-subject-token')
  const body = (await response.json()) as { token: { expires_at: string } }
  if (token === null) throw new Error('Keystone issued no X-Subject-Token')
  const zoned = /Z|[+-]\d\d:?\d\d$/.test(body.token.expires_at)
    ? body.token.expires_at
    : `${body.token.expires_at}Z`
  return { token, expiresAt: Date.parse(zoned) }
}

/**
 * Starts Keystone with keystone.sh in a temp dir on a free port (about 40 s: database sync,
 * bootstrap, catalog), with the catalog's network endpoint at `networkUrl`. If the test process
 * ends first, uwsgi is killed and the directory and database removed.
 */
export async function startKeystone(networkUrl = 'http://127.0.0.1:9696'): Promise<KeystoneServer> {
  const keystoneSh = findKeystoneSh()
  const dir = mkdtempSync(join(tmpdir(), 'leasehold-keystone-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const authUrl = `${url}/v3`
  const dropDatabase = ['-h', '127.0.0.1', '-U', 'postgres', '-qc']
  const dropStatement = `DROP DATABASE IF EXISTS ${databaseName(port)} WITH (FORCE)`
  const forgetKill = onTestProcessExit(() => {
    for (const pid of uwsgiPids(dir)) signalQuietly(pid, 'SIGKILL')
  })
  const forgetRemove = onTestProcessExit(() => {
    rmSync(dir, { recursive: true, force: true })
    spawn('psql', [...dropDatabase, dropStatement, 'postgres'], {
      detached: true,
      stdio: 'ignore',
    }).unref()
  }, 'remove')
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await run('bash', [keystoneSh, 'stop', dir]).catch(() => undefined)
    for (const pid of uwsgiPids(dir)) signalQuietly(pid, 'SIGKILL')
    forgetKill()
    await run('psql', [...dropDatabase, dropStatement, 'postgres'])
    rmSync(dir, { recursive: true, force: true })
    forgetRemove()
  }
  const started = Date.now()
  try {
    await run('bash', [keystoneSh, 'start', dir, String(port), networkUrl], {
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    })
  } catch (error) {
    const log = existsSync(join(dir, 'uwsgi.log'))
      ? readFileSync(join(dir, 'uwsgi.log'), 'utf8')
      : ''
    await stop()
    throw new Error(`keystone.sh start failed: ${String(error)}\n${log.slice(-3000)}`)
  }
  const startSeconds = (Date.now() - started) / 1000

  let adminToken: string | undefined
  const admin = async (): Promise<string> => {
    adminToken ??= (
      await tokenFrom(
        await keystoneRequest(`${authUrl}/auth/tokens`, {
          method: 'POST',
          body: passwordAuth(KEYSTONE_ADMIN),
        }),
      )
    ).token
    return adminToken
  }
  const findId = async (collection: string, query: string): Promise<string | undefined> => {
    const response = await keystoneRequest(`${authUrl}/${collection}?${query}`, {
      method: 'GET',
      token: await admin(),
    })
    const body = (await response.json()) as Record<string, { id: string }[]>
    return body[collection]?.[0]?.id
  }
  const ensure = async (collection: string, name: string, body: unknown): Promise<string> => {
    const existing = await findId(collection, `name=${encodeURIComponent(name)}`)
    if (existing !== undefined) return existing
    const response = await keystoneRequest(`${authUrl}/${collection}`, {
      method: 'POST',
      token: await admin(),
      body,
    })
    const created = (await response.json()) as Record<string, { id: string }>
    const id = Object.values(created)[0]?.id
    if (id === undefined) throw new Error(`Keystone created no ${collection} entry`)
    return id
  }

  const issueToken = async (user: {
    name: string
    password: string
    project: string
  }): Promise<IssuedToken> =>
    tokenFrom(
      await keystoneRequest(`${authUrl}/auth/tokens`, { method: 'POST', body: passwordAuth(user) }),
    )

  return {
    url,
    authUrl,
    dir,
    startSeconds,
    issueToken,
    async createUser({ name, password, project, role }) {
      const projectId = await ensure('projects', project, {
        project: { name: project, domain_id: 'default' },
      })
      const userId = await ensure('users', name, {
        user: { name, password, domain_id: 'default', default_project_id: projectId },
      })
      const roleId = await findId('roles', `name=${encodeURIComponent(role)}`)
      if (roleId === undefined) throw new Error(`Keystone has no role ${role}`)
      await keystoneRequest(`${authUrl}/projects/${projectId}/users/${userId}/roles/${roleId}`, {
        method: 'PUT',
        token: await admin(),
      })
      return { name, password, project, userId, projectId }
    },
    async issueShortLivedToken(user, seconds) {
      const { token } = await issueToken(user)
      const expiresAt = new Date(Date.now() + seconds * 1000).toISOString().replace('Z', '')
      const response = await keystoneRequest(
        `${authUrl}/users/${user.userId}/application_credentials`,
        {
          method: 'POST',
          token,
          body: {
            application_credential: {
              name: `short-${Date.now()}-${Math.random()}`,
              expires_at: expiresAt,
            },
          },
        },
      )
      const credential = (
        (await response.json()) as { application_credential: { id: string; secret: string } }
      ).application_credential
      const body = {
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { id: credential.id, secret: credential.secret },
          },
        },
      }
      return tokenFrom(await keystoneRequest(`${authUrl}/auth/tokens`, { method: 'POST', body }))
    },
    async revokeToken(token) {
      await keystoneRequest(`${authUrl}/auth/tokens`, {
        method: 'DELETE',
        token: await admin(),
        headers: { 'x-subject-token': token },
      })
    },
    async setNetworkEndpoint(networkEndpoint) {
      const serviceId = await findId('services', 'type=network')
      if (serviceId === undefined) throw new Error('Keystone has no network service')
      const response = await keystoneRequest(`${authUrl}/endpoints?service_id=${serviceId}`, {
        method: 'GET',
        token: await admin(),
      })
      const { endpoints } = (await response.json()) as { endpoints: { id: string }[] }
      for (const endpoint of endpoints) {
        await keystoneRequest(`${authUrl}/endpoints/${endpoint.id}`, {
          method: 'PATCH',
          token: await admin(),
          body: { endpoint: { url: networkEndpoint } },
        })
      }
    },
    clientEnv(user) {
      return {
        OS_AUTH_URL: authUrl,
        OS_IDENTITY_API_VERSION: '3',
        OS_USERNAME: user.name,
        OS_PASSWORD: user.password,
        OS_PROJECT_NAME: user.project,
        OS_USER_DOMAIN_NAME: 'Default',
        OS_PROJECT_DOMAIN_NAME: 'Default',
        OS_INTERFACE: 'public',
        OS_REGION_NAME: 'RegionOne',
      }
    },
    stop,
  }
}
