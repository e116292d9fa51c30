import { describe, expect, it } from 'vitest'
import { TokenCache } from '../../../../src/api/auth/index.js'

describe('the token cache', () => {
  it('serves an entry until its deadline and not after', () => {
    let now = 1_000
    const cache = new TokenCache<string>(10, () => now)
    cache.set('t', 'alice', 5_000)
    now = 4_999
    expect(cache.get('t')).toBe('alice')
    now = 5_000
    expect(cache.get('t')).toBeUndefined()
  })

  it('keeps nothing whose deadline has passed already', () => {
    const cache = new TokenCache<string>(10, () => 1_000)
    cache.set('t', 'alice', 1_000)
    expect(cache.get('t')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('drops the least recently used entry when full', () => {
    const cache = new TokenCache<number>(2, () => 0)
    cache.set('a', 1, 10)
    cache.set('b', 2, 10)
    expect(cache.get('a')).toBe(1) // b is now the least recently used
    cache.set('c', 3, 10)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(1)
    expect(cache.get('c')).toBe(3)
    expect(cache.size).toBe(2)
  })

  it('holds no more than its bound under many tokens', () => {
    const cache = new TokenCache<number>(10_000, () => 0)
    for (let i = 0; i < 25_000; i++) cache.set(`t${i}`, i, 10)
    expect(cache.size).toBe(10_000)
    expect(cache.get('t0')).toBeUndefined()
    expect(cache.get('t24999')).toBe(24_999)
  })
})
