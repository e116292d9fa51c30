import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadLeaseholdConfig, sampleConfig } from '../../../src/cli/config.js'
import { ROOT } from '../../support/leasehold-process.js'

describe('the sample configuration file', () => {
  it('matches what the option tables generate (regenerate with `leasehold config sample --output etc/leasehold.conf.sample`)', () => {
    const committed = readFileSync(join(ROOT, 'etc', 'leasehold.conf.sample'), 'utf8')
    expect(committed).toBe(sampleConfig())
  })

  it('documents every option with its default', () => {
    const text = sampleConfig()
    for (const line of [
      '#bind_port = 9696',
      '#bind_host = 127.0.0.1',
      '#base_mac = fa:16:3e:00:00:00',
      '#max_pool_size = 5',
    ]) {
      expect(text).toContain(line)
    }
  })

  it('loads as a configuration file unchanged, giving the defaults', () => {
    const config = loadLeaseholdConfig([join(ROOT, 'etc', 'leasehold.conf.sample')])
    expect(config.unknown).toEqual([])
  })
})
