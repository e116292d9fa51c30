import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { AuthenticationRequired, headerOf, type Authenticator, type Identity } from './identity.js'
import type { TokenInfo, TokenValidation } from './keystone-client.js'
import { TokenCache } from './token-cache.js'

/** What validates tokens: Keystone (KeystoneClient) or, in unit tests, a fake. */
export interface TokenValidator {
  validate(token: string): Promise<TokenValidation>
}

/** How the keystone strategy behaves. */
export interface KeystoneAuthOptions {
  readonly validator: TokenValidator
  /** `www_authenticate_uri`, told to clients in `WWW-Authenticate: Keystone uri="..."`. */
  readonly wwwAuthenticateUri: string
  /** `token_cache_time`: most seconds an answer is served from the cache; -1 caches nothing. */
  readonly cacheTimeSeconds: number
  /** Most tokens remembered (least recently used go first). */
  readonly maxCachedTokens?: number
  /** The clock, in milliseconds since the epoch. */
  readonly now?: () => number
}

/** Tokens remembered at most, valid and invalid together. */
export const MAX_CACHED_TOKENS = 10_000

/**
 * `auth_strategy = keystone`: every request needs an `X-Auth-Token` that Keystone vouches for;
 * its project, user and roles make the request's identity. Keystone's answers are cached for
 * `token_cache_time` seconds, never past the token's expiry; a token Keystone refused stays
 * refused (tokens never become valid). Concurrent requests with one token share one validation.
 */
export class KeystoneAuthenticator implements Authenticator {
  private readonly cache: TokenCache<TokenValidation>
  private readonly pending = new Map<string, Promise<TokenValidation>>()
  private readonly now: () => number
  private readonly challenge: string

  constructor(private readonly options: KeystoneAuthOptions) {
    this.now = options.now ?? Date.now
    this.cache = new TokenCache(options.maxCachedTokens ?? MAX_CACHED_TOKENS, this.now)
    this.challenge = `Keystone uri="${options.wwwAuthenticateUri}"`
  }

  async authenticate(request: FastifyRequest): Promise<Identity> {
    const token = headerOf(request, 'x-auth-token')
    if (token === undefined || token === '') {
      throw new AuthenticationRequired(this.challenge, 'no X-Auth-Token')
    }
    return this.identityOf(token)
  }

  /** The identity a token carries; AuthenticationRequired when Keystone does not vouch for it. */
  async identityOf(token: string): Promise<Identity> {
    const key = createHash('sha256').update(token).digest('base64')
    const answer = this.cache.get(key) ?? (await this.validateOnce(key, token))
    if (!answer.valid) throw new AuthenticationRequired(this.challenge, 'invalid token')
    if (answer.token.expiresAt <= this.now()) {
      throw new AuthenticationRequired(this.challenge, 'expired token')
    }
    return identityFrom(answer.token)
  }

  private validateOnce(key: string, token: string): Promise<TokenValidation> {
    let pending = this.pending.get(key)
    if (pending === undefined) {
      pending = this.options.validator.validate(token).then((answer) => {
        this.remember(key, answer)
        return answer
      })
      const forget = () => this.pending.delete(key)
      pending.then(forget, forget)
      this.pending.set(key, pending)
    }
    return pending
  }

  private remember(key: string, answer: TokenValidation): void {
    if (this.options.cacheTimeSeconds < 0) return
    const until = this.now() + this.options.cacheTimeSeconds * 1000
    this.cache.set(key, answer, answer.valid ? Math.min(until, answer.token.expiresAt) : until)
  }
}

function identityFrom(token: TokenInfo): Identity {
  return { projectId: token.projectId, userId: token.userId, roles: token.roles, elevated: false }
}
