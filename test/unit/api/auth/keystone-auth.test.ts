import type { FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'
import {
  AuthenticationRequired,
  KeystoneAuthenticator,
  type TokenValidation,
} from '../../../../src/api/auth/index.js'
import { DependencyUnavailable } from '../../../../src/common/errors.js'

const HOUR = 3_600_000

/** A Keystone stand-in: answers from a table, counts the questions, and can be "down". */
class FakeKeystone {
  readonly asked: string[] = []
  down = false
  readonly tokens = new Map<string, { projectId: string; roles: string[]; expiresAt: number }>()

  async validate(token: string): Promise<TokenValidation> {
    this.asked.push(token)
    if (this.down) throw new DependencyUnavailable('The identity service is unavailable')
    const known = this.tokens.get(token)
    if (known === undefined) return { valid: false }
    return { valid: true, token: { ...known, userId: `u-${token}` } }
  }
}

function setUp(cacheTimeSeconds = 300) {
  const clock = { now: 1_000_000 }
  const keystone = new FakeKeystone()
  const auth = new KeystoneAuthenticator({
    validator: keystone,
    wwwAuthenticateUri: 'http://keystone:5000/v3',
    cacheTimeSeconds,
    now: () => clock.now,
  })
  return { clock, keystone, auth }
}

async function reason(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AuthenticationRequired)
  const refusal = error as AuthenticationRequired
  expect(refusal.challenge).toBe('Keystone uri="http://keystone:5000/v3"')
  return refusal.reason
}

function request(headers: Record<string, string>): FastifyRequest {
  return { headers } as unknown as FastifyRequest
}

describe('keystone authentication', () => {
  it("makes the token's project, user and roles the identity", async () => {
    const { clock, keystone, auth } = setUp()
    keystone.tokens.set('t1', {
      projectId: 'p-a',
      roles: ['member', 'reader'],
      expiresAt: clock.now + HOUR,
    })
    expect(await auth.authenticate(request({ 'x-auth-token': 't1' }))).toEqual({
      projectId: 'p-a',
      userId: 'u-t1',
      roles: ['member', 'reader'],
      elevated: false,
    })
    expect(await reason(auth.authenticate(request({})))).toBe('no X-Auth-Token')
    expect(await reason(auth.identityOf('forged'))).toBe('invalid token')
  })

  it('asks Keystone once per token until token_cache_time has passed', async () => {
    const { clock, keystone, auth } = setUp(300)
    keystone.tokens.set('t1', { projectId: 'p-a', roles: [], expiresAt: clock.now + HOUR })
    await auth.identityOf('t1')
    clock.now += 299_000
    await auth.identityOf('t1')
    expect(keystone.asked).toEqual(['t1'])
    clock.now += 1_000
    await auth.identityOf('t1')
    expect(keystone.asked).toEqual(['t1', 't1'])
  })

  it('refuses a cached token from the moment it expires, without asking Keystone', async () => {
    const { clock, keystone, auth } = setUp(300)
    keystone.tokens.set('t1', { projectId: 'p-a', roles: [], expiresAt: clock.now + 60_000 })
    await auth.identityOf('t1')
    clock.now += 59_999
    await auth.identityOf('t1')
    expect(keystone.asked).toHaveLength(1)
    clock.now += 1
    keystone.tokens.delete('t1') // Keystone no longer knows it either
    expect(await reason(auth.identityOf('t1'))).toBe('invalid token')
  })

  it('refuses a token past its expiry even if Keystone still vouched for it', async () => {
    const { clock, keystone, auth } = setUp(-1)
    keystone.tokens.set('t1', { projectId: 'p-a', roles: [], expiresAt: clock.now })
    expect(await reason(auth.identityOf('t1'))).toBe('expired token')
  })

  it('remembers refused tokens too, and caches nothing with token_cache_time = -1', async () => {
    const cached = setUp(300)
    await reason(cached.auth.identityOf('bad'))
    await reason(cached.auth.identityOf('bad'))
    expect(cached.keystone.asked).toEqual(['bad'])
    const uncached = setUp(-1)
    uncached.keystone.tokens.set('t1', {
      projectId: 'p',
      roles: [],
      expiresAt: uncached.clock.now + HOUR,
    })
    await uncached.auth.identityOf('t1')
    await uncached.auth.identityOf('t1')
    expect(uncached.keystone.asked).toEqual(['t1', 't1'])
  })

  it('keeps serving cached tokens while Keystone is down, and fails others with 503', async () => {
    const { clock, keystone, auth } = setUp(300)
    keystone.tokens.set('t1', { projectId: 'p-a', roles: [], expiresAt: clock.now + HOUR })
    keystone.tokens.set('t2', { projectId: 'p-b', roles: [], expiresAt: clock.now + HOUR })
    await auth.identityOf('t1')
    keystone.down = true
    expect((await auth.identityOf('t1')).projectId).toBe('p-a')
    await expect(auth.identityOf('t2')).rejects.toBeInstanceOf(DependencyUnavailable)
    keystone.down = false
    expect((await auth.identityOf('t2')).projectId).toBe('p-b')
  })

  it('validates a token once for concurrent requests', async () => {
    const { clock, keystone, auth } = setUp(300)
    keystone.tokens.set('t1', { projectId: 'p-a', roles: [], expiresAt: clock.now + HOUR })
    await Promise.all(Array.from({ length: 20 }, () => auth.identityOf('t1')))
    expect(keystone.asked).toEqual(['t1'])
  })
})
