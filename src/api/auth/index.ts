/** How the API finds out who calls: the auth strategies and the request context they make. */
export { createAuthenticator, type AuthSettings } from './create-authenticator.js'
export { HttpBasicAuthenticator, parseHtpasswd, BASIC_REALM } from './http-basic.js'
export { AuthenticationRequired, type Authenticator, type Identity } from './identity.js'
export {
  KeystoneAuthenticator,
  MAX_CACHED_TOKENS,
  type KeystoneAuthOptions,
  type TokenValidator,
} from './keystone-auth.js'
export {
  identityV3Url,
  KeystoneClient,
  parseKeystoneTime,
  type KeystoneSettings,
  type TokenInfo,
  type TokenValidation,
} from './keystone-client.js'
export { noauthAuthenticator, noauthIdentity } from './noauth.js'
export { requestContext } from './request-context.js'
export { TokenCache } from './token-cache.js'
