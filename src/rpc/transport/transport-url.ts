import { ConfigError } from '../../common/errors.js'

/** One broker a `rabbit://` URL names. */
export interface BrokerAddress {
  readonly hostname: string
  readonly port: number
  readonly username: string
  readonly password: string
}

/** A parsed `transport_url`. */
export type TransportUrl =
  | { readonly driver: 'memory' }
  | {
      readonly driver: 'rabbit'
      readonly brokers: readonly BrokerAddress[]
      readonly vhost: string
    }

function decode(text: string, url: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new ConfigError(`transport_url ${redactTransportUrl(url)} has a bad %-escape`)
  }
}

function parseBroker(part: string, url: string): BrokerAddress {
  const at = part.lastIndexOf('@')
  const credentials = at >= 0 ? part.slice(0, at) : ''
  const hostPort = at >= 0 ? part.slice(at + 1) : part
  const colon = credentials.indexOf(':')
  const username = colon >= 0 ? credentials.slice(0, colon) : credentials
  const password = colon >= 0 ? credentials.slice(colon + 1) : ''
  const match = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(hostPort)
  if (!match)
    throw new ConfigError(`transport_url ${redactTransportUrl(url)}: bad host "${hostPort}"`)
  const port = match[2] === undefined ? 5672 : Number(match[2])
  if (port < 1 || port > 65535)
    throw new ConfigError(`transport_url ${redactTransportUrl(url)}: bad port ${port}`)
  return {
    hostname: (match[1] || 'localhost').replace(/^\[(.*)\]$/, '$1'),
    port,
    username: decode(username || 'guest', url),
    password: decode(password || (username ? '' : 'guest'), url),
  }
}

/**
 * Parses `memory://` or oslo's `rabbit://user:pass@host:port[,user:pass@host2:port]/vhost`
 * (an empty path is the default vhost "/"; query parameters are ignored).
 */
export function parseTransportUrl(url: string): TransportUrl {
  if (url === 'memory://' || url === 'memory:///') return { driver: 'memory' }
  const match = /^(rabbit|amqp):\/\/([^/?]*)(?:\/([^?]*))?(?:\?.*)?$/.exec(url)
  if (!match) {
    throw new ConfigError(
      `transport_url ${redactTransportUrl(url)} is not memory:// or rabbit://user:pass@host:port/vhost`,
    )
  }
  const brokers = (match[2] ?? '').split(',').map((part) => parseBroker(part, url))
  const path = match[3] ?? ''
  return { driver: 'rabbit', brokers, vhost: path === '' ? '/' : decode(path, url) }
}

/** The URL with its passwords replaced, for logs and errors. */
export function redactTransportUrl(url: string): string {
  return url.replace(/([/,][^:/@,]*):[^@/,]*@/g, '$1:***@')
}
