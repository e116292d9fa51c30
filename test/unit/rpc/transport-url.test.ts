import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/common/errors.js'
import { parseTransportUrl, redactTransportUrl } from '../../../src/rpc/transport/transport-url.js'

describe('transport_url', () => {
  it('reads memory:// and oslo rabbit URLs with one or several brokers', () => {
    expect(parseTransportUrl('memory://')).toEqual({ driver: 'memory' })
    expect(parseTransportUrl('rabbit://guest:guest@127.0.0.1:5672/')).toEqual({
      driver: 'rabbit',
      vhost: '/',
      brokers: [{ hostname: '127.0.0.1', port: 5672, username: 'guest', password: 'guest' }],
    })
    expect(parseTransportUrl('rabbit://u:p%40ss@h1:5673,v:q@[fd00::1]/neutron')).toEqual({
      driver: 'rabbit',
      vhost: 'neutron',
      brokers: [
        { hostname: 'h1', port: 5673, username: 'u', password: 'p@ss' },
        { hostname: 'fd00::1', port: 5672, username: 'v', password: 'q' },
      ],
    })
    expect(parseTransportUrl('rabbit://h/')).toMatchObject({
      brokers: [{ hostname: 'h', username: 'guest', password: 'guest' }],
    })
  })

  it('refuses what is neither, and never shows the password', () => {
    expect(() => parseTransportUrl('kafka://h:9092/')).toThrow(ConfigError)
    expect(() => parseTransportUrl('rabbit://u:secret@h:99999/')).toThrow(/bad port/)
    expect(() => parseTransportUrl('rabbit://u:secret@h:99999/')).not.toThrow(/secret/)
    expect(redactTransportUrl('rabbit://u:secret@h1:5672,v:other@h2/x')).toBe(
      'rabbit://u:***@h1:5672,v:***@h2/x',
    )
  })
})
