import type { Logger } from 'pino'
import type { OptionValues } from '../../common/config/index.js'
import { ConfigError } from '../../common/errors.js'
import type { keystoneAuthtokenOptions } from '../options.js'
import { HttpBasicAuthenticator } from './http-basic.js'
import type { Authenticator } from './identity.js'
import { KeystoneAuthenticator } from './keystone-auth.js'
import { identityV3Url, KeystoneClient } from './keystone-client.js'
import { noauthAuthenticator } from './noauth.js'

/** The auth options an API server runs with. */
export interface AuthSettings {
  /** `auth_strategy`. */
  readonly strategy: string
  /** `http_basic_auth_user_file`. */
  readonly httpBasicAuthUserFile: string
  /** `[keystone_authtoken]`. */
  readonly keystone: OptionValues<typeof keystoneAuthtokenOptions>
}

const REQUIRED_KEYSTONE_OPTIONS = ['auth_url', 'username', 'password', 'project_name'] as const

function createKeystoneAuthenticator(
  keystone: AuthSettings['keystone'],
  log: Logger,
): KeystoneAuthenticator {
  for (const name of REQUIRED_KEYSTONE_OPTIONS) {
    if (keystone[name] === '') {
      throw new ConfigError(
        `Option ${name} in section [keystone_authtoken] must be set when auth_strategy = keystone`,
      )
    }
  }
  const identityUrl = identityV3Url(keystone.auth_url)
  const client = new KeystoneClient(
    {
      identityUrl,
      username: keystone.username,
      password: keystone.password,
      projectName: keystone.project_name,
      userDomainName: keystone.user_domain_name,
      projectDomainName: keystone.project_domain_name,
      timeoutMs: keystone.http_connect_timeout * 1000,
    },
    log,
  )
  return new KeystoneAuthenticator({
    validator: client,
    wwwAuthenticateUri: keystone.www_authenticate_uri || keystone.auth_url,
    cacheTimeSeconds: keystone.token_cache_time,
  })
}

/** Builds the `auth_strategy`'s authenticator; ConfigError for missing or wrong options. */
export function createAuthenticator(settings: AuthSettings, log: Logger): Authenticator {
  switch (settings.strategy) {
    case 'noauth':
      return noauthAuthenticator
    case 'keystone':
      return createKeystoneAuthenticator(settings.keystone, log.child({ component: 'keystone' }))
    case 'http_basic':
      return new HttpBasicAuthenticator(
        settings.httpBasicAuthUserFile,
        log.child({ component: 'http_basic' }),
      )
    default:
      throw new ConfigError(
        `Invalid value for option auth_strategy in section [DEFAULT]: '${settings.strategy}'`,
      )
  }
}
