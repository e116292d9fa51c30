import { describe, expect, it } from 'vitest'
import { isLoopbackHost } from '../../../src/cli/server.js'

describe('the noauth bind guard', () => {
  it('counts 127.0.0.0/8, ::1 and localhost as loopback', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      'localhost',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true)
    }
  })

  it('counts everything else as reachable from outside', () => {
    for (const host of ['0.0.0.0', '::', '198.18.0.1', 'fd00::1', 'example.org', '128.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false)
    }
  })
})
