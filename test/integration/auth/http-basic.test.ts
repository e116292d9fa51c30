import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASIC_REALM, HttpBasicAuthenticator } from '../../../src/api/auth/index.js'
import { ConfigError } from '../../../src/common/errors.js'
import { startAuthApi, waitUntil, type AuthApi } from '../../support/auth-api.js'
import { useTestDatabase } from '../../support/databases.js'

/** An htpasswd line as Apache's `htpasswd -nbB` writes it (bcrypt, `$2y$`). */
function htpasswd(user: string, password: string, cost = 5): string {
  return execFileSync('htpasswd', ['-nbB', '-C', String(cost), user, password], {
    encoding: 'utf8',
  }).trim()
}

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
}

describe('auth_strategy = http_basic', () => {
  const db = useTestDatabase('sqlite')
  const log = pino({ level: 'silent' })
  let dir: string
  let usersFile: string
  let api: AuthApi

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leasehold-basic-'))
    usersFile = join(dir, 'htpasswd')
    const lines = [
      htpasswd('alice', 'alice-pw'),
      htpasswd('bob', 'p:w with spaces', 10),
      htpasswd('carol', 'carol-pw'),
    ]
    expect(lines.every((l) => l.split(':')[1]?.startsWith('$2y$'))).toBe(true)
    writeFileSync(usersFile, `${lines.join('\n')}\n`)
    api = await startAuthApi(db(), { authenticator: new HttpBasicAuthenticator(usersFile, log) })
  })

  afterAll(async () => {
    await api?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  function expectChallenge(response: { status: number; body: any; headers: Headers }): void {
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe(`Basic realm="${BASIC_REALM}"`)
    expect(response.body.NeutronError.type).toBe('HTTPUnauthorized')
  }

  it('lets in every user of the file with the right password, as admin', async () => {
    for (const [user, password] of [
      ['alice', 'alice-pw'],
      ['bob', 'p:w with spaces'],
      ['carol', 'carol-pw'],
    ] as const) {
      const created = await api.request('POST', '/v2.0/networks', {
        headers: basic(user, password),
        body: { network: { name: `${user}-net`, shared: true, project_id: `p-${user}` } },
      })
      expect(created.status, JSON.stringify(created.body)).toBe(201)
      expect(created.body.network).toMatchObject({ shared: true, project_id: `p-${user}` })
    }
    const listed = await api.request('GET', '/v2.0/networks', {
      headers: basic('alice', 'alice-pw'),
    })
    expect(listed.body.networks).toHaveLength(3)
  })

  it('answers 401 with a Basic challenge for a wrong password, an unknown user or no credentials', async () => {
    for (const headers of [
      basic('alice', 'wrong'),
      basic('alice', 'carol-pw'),
      basic('mallory', 'alice-pw'),
      basic('', ''),
      {},
      { authorization: 'Bearer abc' },
      { authorization: 'Basic not-base64!' },
      { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
      { 'x-project-id': 'p-a', 'x-roles': 'admin' },
    ]) {
      expectChallenge(await api.request('GET', '/v2.0/networks', { headers }))
    }
  })

  it('answers version discovery without credentials', async () => {
    expect((await api.request('GET', '/')).status).toBe(200)
    expectChallenge(await api.request('GET', '/v2.0'))
  })

  it('takes users added to the file while running', async () => {
    appendFileSync(usersFile, `${htpasswd('dave', 'dave-pw')}\n`)
    await waitUntil(
      async () =>
        (await api.request('GET', '/v2.0/networks', { headers: basic('dave', 'dave-pw') }))
          .status === 200,
      { what: 'the new user to be let in' },
    )
  })

  it('refuses to start without the file or with a digest other than bcrypt', () => {
    expect(() => new HttpBasicAuthenticator(join(dir, 'missing'), log)).toThrow(ConfigError)
    const md5 = join(dir, 'md5')
    writeFileSync(md5, execFileSync('htpasswd', ['-nbm', 'eve', 'pw'], { encoding: 'utf8' }))
    expect(() => new HttpBasicAuthenticator(md5, log)).toThrow(/http_basic_auth_user_file/)
  })
})
