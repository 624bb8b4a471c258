import { describe, expect, it } from 'vitest'
import { createMemoryLimitStore } from './create-memory-limit-store.js'
import { resolveCooldownPolicy, type SettleRequest } from './limit-store.js'

const policy = resolveCooldownPolicy({ failures: 2, cooldownMs: 1_000 })

function clockedStore(share?: number) {
  const clock = { now: 0 }
  const store = createMemoryLimitStore({ share, now: () => clock.now })
  return { clock, store }
}

const settle = (overrides: Partial<SettleRequest>): SettleRequest => ({
  key: 'd',
  limits: {},
  leaseId: 'x',
  tokensReserved: 0,
  outcome: 'success',
  policy,
  ...overrides,
})

describe('createMemoryLimitStore', () => {
  it('grants a window of requests minus the margin, then says how long to wait', () => {
    const { clock, store } = clockedStore()
    const limits = { requestsPerMinute: 100, windowMs: 1_000 }
    let granted = 0
    for (let i = 0; i < 150; i++) {
      const result = store.acquire({ key: 'd', limits, tokens: 0, leaseId: `l${i}`, leaseMs: 1_000 })
      if (result.granted) granted++
      else {
        expect(result.limit).toBe('requests')
        expect(result.waitMs).toBeGreaterThan(0)
        expect(result.waitMs).toBeLessThanOrEqual(10)
      }
    }
    expect(granted).toBe(80)
    clock.now += 1_000
    let later = 0
    for (let i = 0; i < 150; i++)
      if (store.acquire({ key: 'd', limits, tokens: 0, leaseId: `m${i}`, leaseMs: 1_000 }).granted) later++
    expect(later).toBe(80)
  })

  it('refuses for ever a call that needs more tokens than the limit', () => {
    const { store } = clockedStore()
    const result = store.acquire({
      key: 'd',
      limits: { tokensPerMinute: 1_000 },
      tokens: 5_000,
      leaseId: 'a',
      leaseMs: 1,
    })
    expect(result).toEqual({ granted: false, limit: 'tokens', waitMs: Number.POSITIVE_INFINITY })
  })

  it('gives back the tokens a call did not use', () => {
    const { store } = clockedStore()
    const limits = { tokensPerMinute: 1_000, windowMs: 1_000 }
    expect(store.acquire({ key: 'd', limits, tokens: 900, leaseId: 'a', leaseMs: 1 }).granted).toBe(true)
    expect(store.acquire({ key: 'd', limits, tokens: 500, leaseId: 'b', leaseMs: 1 }).granted).toBe(false)
    store.settle(settle({ limits, leaseId: 'a', tokensReserved: 900, tokensUsed: 100 }))
    expect(store.acquire({ key: 'd', limits, tokens: 500, leaseId: 'b', leaseMs: 1 }).granted).toBe(true)
  })

  it('holds concurrency slots until settled or expired', () => {
    const { clock, store } = clockedStore()
    const limits = { maxConcurrent: 2 }
    expect(store.acquire({ key: 'd', limits, tokens: 0, leaseId: 'a', leaseMs: 100 }).granted).toBe(true)
    expect(store.acquire({ key: 'd', limits, tokens: 0, leaseId: 'b', leaseMs: 500 }).granted).toBe(true)
    expect(store.acquire({ key: 'd', limits, tokens: 0, leaseId: 'c', leaseMs: 500 })).toEqual({
      granted: false,
      limit: 'concurrency',
      waitMs: 100,
    })
    store.settle(settle({ limits, leaseId: 'b' }))
    expect(store.acquire({ key: 'd', limits, tokens: 0, leaseId: 'c', leaseMs: 500 }).granted).toBe(true)
    clock.now = 100
    expect(store.acquire({ key: 'd', limits, tokens: 0, leaseId: 'e', leaseMs: 500 }).granted).toBe(true)
  })

  it('puts a deployment in cooldown on a 429 and after repeated failures', () => {
    const { clock, store } = clockedStore()
    store.settle(settle({ outcome: 'rate-limited', cooldownMs: 300 }))
    expect(store.acquire({ key: 'd', limits: {}, tokens: 0, leaseId: 'a', leaseMs: 1 })).toEqual({
      granted: false,
      limit: 'cooldown',
      waitMs: 300,
    })
    expect(store.cooldownLeftMs('d')).toBe(300)
    clock.now = 300
    store.settle(settle({ outcome: 'failed' }))
    expect(store.cooldownLeftMs('d')).toBe(0)
    store.settle(settle({ outcome: 'failed' }))
    expect(store.cooldownLeftMs('d')).toBe(1_000)
  })

  it('tightens to what the provider says is left, and hands out only its share', () => {
    const { store } = clockedStore(0.5)
    const limits = { requestsPerMinute: 100, windowMs: 1_000 }
    store.settle(settle({ limits, observed: { remainingRequests: 20 } }))
    let granted = 0
    for (let i = 0; i < 100; i++)
      if (store.acquire({ key: 'd', limits, tokens: 0, leaseId: `l${i}`, leaseMs: 1 }).granted) granted++
    expect(granted).toBe(10)
  })
})
