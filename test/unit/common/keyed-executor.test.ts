import { describe, expect, it } from 'vitest'
import { KeyedExecutor } from '../../../src/common/keyed-executor.js'

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms))

describe('KeyedExecutor', () => {
  it('never runs more than its limit at once', async () => {
    const executor = new KeyedExecutor(3)
    let running = 0
    let most = 0
    for (let i = 0; i < 30; i++) {
      void executor.submit(i % 2 === 0 ? undefined : `k${i}`, async () => {
        running++
        most = Math.max(most, running)
        await tick(2)
        running--
      })
    }
    await executor.idle()
    expect(most).toBe(3)
  })

  it('runs tasks of one key in submission order, and goes on after a failing one', async () => {
    const executor = new KeyedExecutor(8)
    const order: number[] = []
    for (let i = 0; i < 20; i++) {
      void executor.submit('same', async () => {
        await tick(20 - i)
        if (i === 5) throw new Error('boom')
        order.push(i)
      })
    }
    await executor.idle()
    expect(order).toEqual([...Array(20).keys()].filter((i) => i !== 5))
  })
})
