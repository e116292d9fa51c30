import { readFileSync, statSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import bcrypt from 'bcryptjs'
import type { FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { ConfigError, DependencyUnavailable } from '../../common/errors.js'
import { AuthenticationRequired, headerOf, type Authenticator, type Identity } from './identity.js'

/** The realm named in `WWW-Authenticate: Basic realm="..."`. */
export const BASIC_REALM = 'Leasehold'

/** Compared against when the user is unknown, so that the answer takes as long as for a known one. */
const DUMMY_HASH = '$2b$05$4F1Caad09uo8vWaCdD.or..VItxKF4ZFsmLj.r3VeK/KCT/jGWFPO'

/**
 * Reads an Apache htpasswd file whose entries are bcrypt (`htpasswd -B`: `$2y$`, also `$2a$`,
 * `$2b$`), the only digest oslo.middleware's basic auth accepts. Throws Error naming the line.
 */
export function parseHtpasswd(text: string, file: string): Map<string, string> {
  const users = new Map<string, string>()
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const colon = line.indexOf(':')
    const hash = line.slice(colon + 1)
    if (colon <= 0 || !/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) {
      throw new Error(`${file} line ${index + 1}: only bcrypt entries (htpasswd -B) are supported`)
    }
    users.set(line.slice(0, colon), hash)
  })
  return users
}

/**
 * `auth_strategy = http_basic`: HTTP basic authentication against `http_basic_auth_user_file`;
 * a valid user acts as admin, as in Neutron. The file is read again when it changes.
 */
export class HttpBasicAuthenticator implements Authenticator {
  private users: Map<string, string>
  private loadedMtime: number
  private readonly challenge = `Basic realm="${BASIC_REALM}"`

  /** Reads the user file now; ConfigError when it is missing or has a non-bcrypt entry. */
  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {
    try {
      this.loadedMtime = statSync(file).mtimeMs
      this.users = parseHtpasswd(readFileSync(file, 'utf8'), file)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new ConfigError(
        `Invalid value for option http_basic_auth_user_file in section [DEFAULT]: ${reason}`,
        { cause: error },
      )
    }
  }

  async authenticate(request: FastifyRequest): Promise<Identity> {
    const credentials = basicCredentials(headerOf(request, 'authorization'))
    if (credentials === undefined) {
      throw new AuthenticationRequired(this.challenge, 'no basic credentials')
    }
    const users = await this.currentUsers()
    const hash = users.get(credentials.user)
    const matches = await bcrypt.compare(credentials.password, hash ?? DUMMY_HASH)
    if (hash === undefined || !matches) {
      this.log.info({ user: credentials.user }, 'basic authentication failed')
      throw new AuthenticationRequired(this.challenge, 'wrong user or password')
    }
    return { projectId: null, userId: credentials.user, roles: ['admin'], elevated: true }
  }

  private async currentUsers(): Promise<Map<string, string>> {
    try {
      const mtime = (await stat(this.file)).mtimeMs
      if (mtime !== this.loadedMtime) {
        this.users = parseHtpasswd(readFileSync(this.file, 'utf8'), this.file)
        this.loadedMtime = mtime
        this.log.info({ file: this.file, users: this.users.size }, 'user file reloaded')
      }
      return this.users
    } catch (error) {
      this.log.error({ err: error, file: this.file }, 'cannot read the basic auth user file')
      throw new DependencyUnavailable('The user file of basic authentication is unreadable', {
        cause: error,
      })
    }
  }
}

/** User and password from `Authorization: Basic <base64>`, or undefined. */
function basicCredentials(
  header: string | undefined,
): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header ?? '')
  if (match?.[1] === undefined) return undefined
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}
