import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { identityV3Url, KeystoneClient, parseKeystoneTime } from '../../../../src/api/auth/index.js'
import { DependencyUnavailable } from '../../../../src/common/errors.js'
import { freePort } from '../../../support/leasehold-process.js'

const HOUR = 3_600_000

/** An identity API v3 double on 127.0.0.1 that logs what it is asked. */
class FakeIdentityApi {
  readonly log: string[] = []
  serviceTokens = 0
  serviceExpiry = Date.now() + HOUR
  /** Service tokens that Keystone no longer accepts. */
  readonly revoked = new Set<string>()
  validationStatus: number | undefined
  private server: Server | undefined

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res))
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve))
    const address = this.server.address()
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve))
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      this.log.push(`${req.method} ${req.url}`)
      if (req.method === 'POST') {
        const auth = JSON.parse(body).auth.identity.password.user
        if (auth.password !== 'network-pass') return this.reply(res, 401, {})
        const token = `service-${++this.serviceTokens}`
        res.setHeader('x-subject-token', token)
        return this.reply(res, 201, {
          token: { expires_at: new Date(this.serviceExpiry).toISOString() },
        })
      }
      const service = String(req.headers['x-auth-token'])
      if (this.revoked.has(service)) return this.reply(res, 401, {})
      if (this.validationStatus !== undefined) return this.reply(res, this.validationStatus, {})
      if (req.headers['x-subject-token'] !== 'user-token') return this.reply(res, 404, {})
      this.reply(res, 200, {
        token: {
          expires_at: '2030-01-02T03:04:05.000000Z',
          user: { id: 'u-1' },
          project: { id: 'p-1' },
          roles: [{ name: 'member' }, { name: 'reader' }],
        },
      })
    })
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
}

describe('the Keystone client', () => {
  let identity: FakeIdentityApi | undefined
  afterEach(async () => {
    await identity?.stop()
    identity = undefined
  })

  async function setUp(options: { password?: string; now?: () => number } = {}) {
    identity = new FakeIdentityApi()
    const url = await identity.start()
    const client = new KeystoneClient(
      {
        identityUrl: identityV3Url(url),
        username: 'network',
        password: options.password ?? 'network-pass',
        projectName: 'service',
        userDomainName: 'Default',
        projectDomainName: 'Default',
        timeoutMs: 5_000,
      },
      pino({ level: 'silent' }),
      options.now,
    )
    return { identity, client }
  }

  it('authenticates itself once and validates tokens with X-Subject-Token', async () => {
    const { identity, client } = await setUp()
    expect(await client.validate('user-token')).toEqual({
      valid: true,
      token: {
        projectId: 'p-1',
        userId: 'u-1',
        roles: ['member', 'reader'],
        expiresAt: Date.parse('2030-01-02T03:04:05Z'),
      },
    })
    expect(await client.validate('other')).toEqual({ valid: false })
    expect(identity.log).toEqual([
      'POST /v3/auth/tokens?nocatalog',
      'GET /v3/auth/tokens?nocatalog',
      'GET /v3/auth/tokens?nocatalog',
    ])
  })

  it('authenticates again when its token is about to expire', async () => {
    let now = Date.now()
    const { identity, client } = await setUp({ now: () => now })
    await client.validate('user-token')
    now = identity.serviceExpiry - 31_000
    await client.validate('user-token')
    expect(identity.serviceTokens).toBe(1)
    now = identity.serviceExpiry - 29_000
    await client.validate('user-token')
    expect(identity.serviceTokens).toBe(2)
  })

  it('authenticates again, once, when Keystone answers 401 to its token', async () => {
    const { identity, client } = await setUp()
    await client.validate('user-token')
    identity.revoked.add('service-1')
    expect((await client.validate('user-token')).valid).toBe(true)
    expect(identity.serviceTokens).toBe(2)
    identity.revoked.add('service-2')
    identity.revoked.add('service-3')
    await expect(client.validate('user-token')).rejects.toBeInstanceOf(DependencyUnavailable)
  })

  it('shares one authentication among concurrent validations', async () => {
    const { identity, client } = await setUp()
    await Promise.all(Array.from({ length: 10 }, () => client.validate('user-token')))
    expect(identity.serviceTokens).toBe(1)
  })

  it('fails with 503 when Keystone errs, refuses its credentials or cannot be reached', async () => {
    const { identity, client } = await setUp()
    identity.validationStatus = 500
    await expect(client.validate('user-token')).rejects.toBeInstanceOf(DependencyUnavailable)
    await identity.stop()
    const refused = await setUp({ password: 'wrong' })
    await expect(refused.client.validate('user-token')).rejects.toBeInstanceOf(
      DependencyUnavailable,
    )
    const port = await freePort()
    const unreachable = new KeystoneClient(
      {
        identityUrl: `http://127.0.0.1:${port}/v3`,
        username: 'network',
        password: 'network-pass',
        projectName: 'service',
        userDomainName: 'Default',
        projectDomainName: 'Default',
        timeoutMs: 5_000,
      },
      pino({ level: 'silent' }),
    )
    await expect(unreachable.validate('user-token')).rejects.toBeInstanceOf(DependencyUnavailable)
  })

  it("reads Keystone's times with and without a zone as UTC, and auth_url with or without /v3", () => {
    expect(parseKeystoneTime('2026-11-25T20:38:42')).toBe(Date.parse('2026-11-25T20:38:42Z'))
    expect(parseKeystoneTime('2026-11-25T20:38:42.500000Z')).toBe(
      Date.parse('2026-11-25T20:38:42.500Z'),
    )
    expect(identityV3Url('http://k:5000')).toBe('http://k:5000/v3')
    expect(identityV3Url('http://k:5000/v3/')).toBe('http://k:5000/v3')
    expect(identityV3Url('http://k/identity')).toBe('http://k/identity/v3')
  })
})
