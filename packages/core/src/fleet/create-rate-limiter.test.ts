import { describe, expect, it } from 'vitest'
import { RateLimitError } from '../errors/errors.js'
import { createMemoryLimitStore } from './create-memory-limit-store.js'
import { createRateLimiter } from './create-rate-limiter.js'

const base = { key: 'd', provider: 'openai', tokens: 10 }

describe('createRateLimiter', () => {
  it('serves waiting calls first come, first served as slots free', async () => {
    const limiter = createRateLimiter({ store: createMemoryLimitStore() })
    const limits = { maxConcurrent: 1 }
    const deadline = performance.now() + 10_000
    const first = await limiter.acquire({ ...base, limits, deadline })
    const order: number[] = []
    const waiting = [1, 2, 3].map((n) =>
      limiter.acquire({ ...base, limits, deadline }).then((lease) => {
        order.push(n)
        lease.settle({ outcome: 'success' })
      }),
    )
    expect(limiter.inFlight('d')).toBe(1)
    first.settle({ outcome: 'success' })
    await Promise.all(waiting)
    expect(order).toEqual([1, 2, 3])
    expect(limiter.inFlight('d')).toBe(0)
  })

  it('gives up a booked start when the deployment goes into cooldown while it waits', async () => {
    const limiter = createRateLimiter({ store: createMemoryLimitStore() })
    const limits = { requestsPerMinute: 50, windowMs: 1_000 } // one every 20 ms, 40 at once
    const deadline = performance.now() + 5_000
    const now = await Promise.all(
      Array.from({ length: 49 }, () => limiter.acquire({ ...base, limits, deadline })),
    )
    const booked = limiter.acquire({ ...base, limits, deadline }).catch((error) => error)
    // Still waiting for its booked start: another call gets a 429 and starts a cooldown.
    now[0]!.settle({ outcome: 'rate-limited', cooldownMs: 1_000 })
    const error = await booked
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error.type).toBe('cooldown')
    expect(limiter.inFlight('d')).toBe(48)
  })

  it('waits for a bucket to refill, then fails a call whose deadline comes first with the limit named', async () => {
    const limiter = createRateLimiter({ store: createMemoryLimitStore() })
    const limits = { requestsPerMinute: 50, windowMs: 1_000 } // one every 20 ms, 49 at once
    const deadline = performance.now() + 5_000
    const leases = await Promise.all(
      Array.from({ length: 52 }, () => limiter.acquire({ ...base, limits, deadline })),
    )
    expect(leases).toHaveLength(52)
    const error = await limiter
      .acquire({ ...base, limits: { requestsPerMinute: 1, windowMs: 60_000 }, key: 'slow', deadline })
      .then(() =>
        limiter.acquire({
          ...base,
          limits: { requestsPerMinute: 1, windowMs: 60_000 },
          key: 'slow',
          deadline,
        }),
      )
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RateLimitError)
    expect((error as RateLimitError).type).toBe('requests')
    expect((error as RateLimitError).message).toContain('requests per minute')
  })

  it('rejects an aborted waiter with its reason and lets the next one through', async () => {
    const limiter = createRateLimiter({ store: createMemoryLimitStore() })
    const limits = { maxConcurrent: 1 }
    const deadline = performance.now() + 10_000
    const first = await limiter.acquire({ ...base, limits, deadline })
    const controller = new AbortController()
    const aborted = limiter.acquire({ ...base, limits, deadline, signal: controller.signal })
    const next = limiter.acquire({ ...base, limits, deadline })
    controller.abort(new Error('caller left'))
    await expect(aborted).rejects.toThrow('caller left')
    first.settle({ outcome: 'success' })
    const lease = await next
    expect(lease.key).toBe('d')
  })

  it('answers at once when asked not to wait, naming a cooldown', async () => {
    const store = createMemoryLimitStore()
    const limiter = createRateLimiter({ store })
    const lease = await limiter.acquire({ ...base, limits: {}, deadline: performance.now() + 1_000 })
    lease.settle({ outcome: 'rate-limited', cooldownMs: 30_000 })
    const error = await limiter
      .acquire({ ...base, limits: {}, deadline: performance.now() + 60_000, wait: false })
      .catch((caught: unknown) => caught)
    expect((error as RateLimitError).type).toBe('cooldown')
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(29_000)
  })
})
