import type { FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'
import { noauthIdentity, parseHtpasswd, requestContext } from '../../../../src/api/auth/index.js'
import { DEFAULT_POLICY, Policy } from '../../../../src/common/policy/index.js'

function request(headers: Record<string, string>): FastifyRequest {
  return { headers } as unknown as FastifyRequest
}

describe('request identities and contexts', () => {
  it('takes a noauth caller from the headers, as admin when it names no project', () => {
    expect(noauthIdentity(request({ 'x-project-id': 'p-a', 'x-roles': 'member, reader' }))).toEqual(
      {
        projectId: 'p-a',
        userId: null,
        roles: ['member', 'reader'],
        elevated: false,
      },
    )
    expect(noauthIdentity(request({ 'x-tenant-id': 'p-t' })).projectId).toBe('p-t')
    expect(noauthIdentity(request({}))).toMatchObject({ projectId: null, elevated: true })
  })

  it('is admin when context_is_admin says so, which a policy file can change', () => {
    const identity = { projectId: 'p', userId: 'u', roles: ['cloud-admin'], elevated: false }
    expect(requestContext(identity, DEFAULT_POLICY, 'r').isAdmin).toBe(false)
    const policy = new Policy({ overrides: { context_is_admin: 'role:cloud-admin' } })
    const context = requestContext(identity, policy, 'r')
    expect(context).toMatchObject({ isAdmin: true, projectId: 'p', userId: 'u', requestId: 'r' })
    expect(context.policy).toBe(policy)
    const member = { projectId: 'p', userId: 'u', roles: ['admin'], elevated: false }
    expect(requestContext(member, policy, 'r').isAdmin).toBe(false)
  })

  it('gives an elevated identity the admin role', () => {
    const context = requestContext(
      { projectId: null, userId: 'ops', roles: [], elevated: true },
      DEFAULT_POLICY,
      'r',
    )
    expect(context).toMatchObject({ isAdmin: true, roles: ['admin'] })
  })
})

describe('htpasswd files', () => {
  const HASH = '$2y$05$jyU3dKnqY/eYeRJbX9AnK.9wcR7jG62mzKG/lv.aokhIG0BTO3a1e'

  it('reads bcrypt entries and skips blank and comment lines', () => {
    const users = parseHtpasswd(
      `# users\nalice:${HASH}\n\nbob:${HASH.replace('$2y$', '$2b$')}\n`,
      'f',
    )
    expect([...users.keys()]).toEqual(['alice', 'bob'])
    expect(users.get('alice')).toBe(HASH)
  })

  it('refuses any other digest, naming the line', () => {
    for (const entry of [
      'carol:$apr1$abc$def',
      'carol:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=',
      'carol:plain',
      ':' + HASH,
    ]) {
      expect(() => parseHtpasswd(`alice:${HASH}\n${entry}\n`, 'users'), entry).toThrow(
        'users line 2',
      )
    }
  })
})
