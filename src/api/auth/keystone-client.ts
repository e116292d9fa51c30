import type { Logger } from 'pino'
import { DependencyUnavailable } from '../../common/errors.js'

/** How the service reaches Keystone and who it is there (`[keystone_authtoken]`). */
export interface KeystoneSettings {
  /** The identity API v3 root, e.g. `http://keystone:5000/v3`. */
  readonly identityUrl: string
  readonly username: string
  readonly password: string
  readonly projectName: string
  readonly userDomainName: string
  readonly projectDomainName: string
  /** Most milliseconds one request to Keystone may take. */
  readonly timeoutMs: number
}

/** What a valid token says about its bearer; `expiresAt` in milliseconds since the epoch. */
export interface TokenInfo {
  readonly projectId: string | null
  readonly userId: string | null
  readonly roles: readonly string[]
  readonly expiresAt: number
}

/** Keystone's answer about a token: what it carries, or that it is not (or no longer) valid. */
export type TokenValidation =
  { readonly valid: true; readonly token: TokenInfo } | { readonly valid: false }

/** The service's own token is renewed this long before it expires (keystoneauth's stale time). */
const SERVICE_TOKEN_MARGIN_MS = 30_000

/** The identity API v3 root for an `auth_url` with or without its version. */
export function identityV3Url(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, '')
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`
}

/** Keystone's times: ISO 8601, with or without a zone; a time without one is UTC. */
export function parseKeystoneTime(text: string): number {
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`
  const time = Date.parse(zoned)
  if (Number.isNaN(time)) throw new Error(`not a time: '${text}'`)
  return time
}

interface TokenBody {
  token?: {
    expires_at?: string
    user?: { id?: string }
    project?: { id?: string }
    roles?: { name?: string }[]
  }
}

function tokenInfo(body: TokenBody): TokenInfo {
  const token = body.token
  if (token?.expires_at === undefined) throw new Error('the token has no expires_at')
  return {
    projectId: token.project?.id ?? null,
    userId: token.user?.id ?? null,
    roles: (token.roles ?? []).map((r) => r.name).filter((n): n is string => n !== undefined),
    expiresAt: parseKeystoneTime(token.expires_at),
  }
}

/**
 * Talks to Keystone's identity API v3 as keystonemiddleware does for Neutron: gets a token for
 * the service with its password (`POST /v3/auth/tokens`, renewed before it expires and after a
 * 401) and validates callers' tokens with it (`GET /v3/auth/tokens`, `X-Subject-Token`).
 * Keystone unreachable, timing out or failing gives DependencyUnavailable (503).
 */
export class KeystoneClient {
  private serviceToken: { readonly value: string; readonly expiresAt: number } | undefined
  private pendingServiceToken: Promise<string> | undefined

  constructor(
    private readonly settings: KeystoneSettings,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Asks Keystone whether `token` is valid and what it carries. */
  async validate(token: string): Promise<TokenValidation> {
    for (let attempt = 0; ; attempt++) {
      const serviceToken = await this.currentServiceToken()
      const response = await this.send('GET', '/auth/tokens?nocatalog', {
        'x-auth-token': serviceToken,
        'x-subject-token': token,
      })
      if (response.status === 200) return { valid: true, token: await this.readToken(response) }
      await response.body?.cancel()
      if (response.status === 404) return { valid: false }
      if (response.status === 401 && attempt === 0) {
        // Our own token was revoked or expired early: authenticate again, once.
        this.forgetServiceToken(serviceToken)
        continue
      }
      throw new DependencyUnavailable(
        `The identity service answered ${response.status} to a token validation`,
      )
    }
  }

  private async readToken(response: Response): Promise<TokenInfo> {
    try {
      return tokenInfo((await response.json()) as TokenBody)
    } catch (error) {
      throw new DependencyUnavailable('The identity service sent an unreadable token', {
        cause: error,
      })
    }
  }

  private forgetServiceToken(value: string): void {
    if (this.serviceToken?.value === value) this.serviceToken = undefined
  }

  private async currentServiceToken(): Promise<string> {
    const cached = this.serviceToken
    if (cached && cached.expiresAt - SERVICE_TOKEN_MARGIN_MS > this.now()) return cached.value
    // One authentication at a time; concurrent requests wait for it.
    this.pendingServiceToken ??= this.authenticateService().finally(() => {
      this.pendingServiceToken = undefined
    })
    return this.pendingServiceToken
  }

  private async authenticateService(): Promise<string> {
    const s = this.settings
    const body = {
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: s.username, domain: { name: s.userDomainName }, password: s.password },
          },
        },
        scope: { project: { name: s.projectName, domain: { name: s.projectDomainName } } },
      },
    }
    const response = await this.send('POST', '/auth/tokens?nocatalog', {}, body)
    const value = response.headers.get('x-subject-token')
    if (response.status !== 201 || value === null) {
      await response.body?.cancel()
      // Wrong service credentials need an operator; every request fails until then.
      this.log.error(
        { status: response.status, username: s.username, auth_url: s.identityUrl },
        'the identity service refused the service credentials of [keystone_authtoken]',
      )
      throw new DependencyUnavailable(
        `The identity service refused the service credentials (${response.status})`,
      )
    }
    const token = await this.readToken(response)
    this.serviceToken = { value, expiresAt: token.expiresAt }
    this.log.info({ expires_at: new Date(token.expiresAt).toISOString() }, 'service token obtained')
    return value
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Response> {
    const url = `${this.settings.identityUrl}${path}`
    try {
      return await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      })
    } catch (error) {
      this.log.warn(
        { err: error, url: `${this.settings.identityUrl}${path.split('?')[0]}` },
        'identity service unreachable',
      )
      throw new DependencyUnavailable('The identity service is unavailable', { cause: error })
    }
  }
}
