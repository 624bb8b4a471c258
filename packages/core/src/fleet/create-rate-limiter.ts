import { randomUUID } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { failsNow, limitError } from './limit-error.js'
import type {
  AcquireRequest,
  AcquireResult,
  CooldownPolicy,
  DeploymentLimits,
  DeploymentOutcome,
  LimitStore,
  ObservedProviderLimits,
} from './limit-store.js'

/**
 * A concurrency slot freed by another instance sends no event here; the head of the queue asks the
 * store again after at most this long (a timer, never a spin).
 */
const concurrencyPollMs = 25

/** One call asking for capacity. */
export interface LimiterRequest {
  key: string
  limits: DeploymentLimits
  tokens: number
  /** The provider named in the `RateLimitError`. */
  provider: string
  /** `performance.now()` time after which the call gives up waiting. */
  deadline: number
  signal?: AbortSignal | undefined
  /** False: answer at once (a router trying the next deployment). Default true. */
  wait?: boolean
  /** Default: until the deadline. */
  leaseMs?: number
}

/** How a granted call ended, given back to the store. */
export interface LeaseSettlement {
  outcome: DeploymentOutcome
  tokensUsed?: number | undefined
  cooldownMs?: number | undefined
  observed?: ObservedProviderLimits | undefined
}

/** A granted call's capacity; settle it exactly once, when the call ends. */
export interface Lease {
  readonly key: string
  settle(settlement: LeaseSettlement): void
}

/**
 * Waits for capacity first come, first served, per deployment, up to each call's deadline.
 * @example
 * const limiter = createRateLimiter({ store: createMemoryLimitStore() })
 * const lease = await limiter.acquire({ key, limits, tokens: 300, provider: 'openai', deadline: performance.now() + 5000 })
 * try { … } finally { lease.settle({ outcome: 'success', tokensUsed: 280 }) }
 */
export interface RateLimiter {
  readonly store: LimitStore
  acquire(request: LimiterRequest): Promise<Lease>
  /** Calls of this instance holding a lease on `key`. */
  inFlight(key: string): number
}

/**
 * Options of `createRateLimiter()`.
 * @example
 * createRateLimiter({ store, cooldown: { failures: 5, cooldownMs: 10_000 } })
 */
export interface RateLimiterOptions {
  store: LimitStore
  cooldown?: Required<CooldownPolicy>
}

interface Waiter {
  request: LimiterRequest
  last: Extract<AcquireResult, { granted: false }>
  resolve(lease: Lease | Promise<Lease>): void
  reject(error: unknown): void
  onAbort?: () => void
}

interface LeaseContext {
  store: LimitStore
  policy: Required<CooldownPolicy>
  inFlight: Map<string, number>
  wakers: Map<string, () => void>
}

/** A lease as a plain object of fields (no closure per call). */
class GrantedLease implements Lease {
  readonly key: string
  #settled = false
  readonly #context: LeaseContext
  readonly #limits: DeploymentLimits
  readonly #leaseId: string
  readonly #tokens: number

  constructor(context: LeaseContext, request: LimiterRequest, leaseId: string, tokens: number) {
    this.key = request.key
    this.#context = context
    this.#limits = request.limits
    this.#leaseId = leaseId
    this.#tokens = tokens
  }

  settle(settlement: LeaseSettlement): void {
    if (this.#settled) return
    this.#settled = true
    const { store, policy, inFlight, wakers } = this.#context
    inFlight.set(this.key, (inFlight.get(this.key) ?? 1) - 1)
    store.settle({
      key: this.key,
      limits: this.#limits,
      leaseId: this.#leaseId,
      tokensReserved: this.#tokens,
      tokensUsed: settlement.tokensUsed,
      outcome: settlement.outcome,
      cooldownMs: settlement.cooldownMs,
      observed: settlement.observed,
      policy,
    })
    wakers.get(this.key)?.()
  }
}

/**
 * Creates the limiter that sits in front of a store.
 * @example
 * const limiter = createRateLimiter({ store: createMemoryLimitStore() })
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { store } = options
  const policy = options.cooldown ?? { failures: 3, failureWindowMs: 60_000, cooldownMs: 5_000 }
  const queues = new Map<string, Waiter[]>()
  const wakers = new Map<string, () => void>()
  const inFlight = new Map<string, number>()
  const leasePrefix = randomUUID().slice(0, 8)
  let leaseCount = 0

  const shared: LeaseContext = { store, policy, inFlight, wakers }
  const grant = (request: LimiterRequest, leaseId: string, tokens: number): Lease => {
    inFlight.set(request.key, (inFlight.get(request.key) ?? 0) + 1)
    return new GrantedLease(shared, request, leaseId, tokens)
  }

  /** The store's question for a call now: its lease lasts to its deadline, it may wait until then. */
  const questionOf = (request: LimiterRequest, leaseId: string): AcquireRequest => {
    const left = request.deadline - performance.now()
    return {
      key: request.key,
      limits: request.limits,
      tokens: request.tokens,
      leaseId,
      leaseMs: request.leaseMs ?? Math.max(1_000, left),
      maxDelayMs: request.wait === false ? 0 : Math.max(0, left),
    }
  }

  const ask = (request: LimiterRequest, leaseId: string) =>
    untilAborted(request.signal, questionOf(request, leaseId))

  /** A remote store's answer, or the call's abort first: no call waits on the store past its deadline. */
  function untilAborted(signal: AbortSignal | undefined, acquire: AcquireRequest): Promise<AcquireResult> {
    const answer = store.acquire(acquire)
    if (!(answer instanceof Promise)) return Promise.resolve(answer)
    return raceAbort(signal, acquire, answer)
  }

  function raceAbort(
    signal: AbortSignal | undefined,
    acquire: AcquireRequest,
    answer: Promise<AcquireResult>,
  ): Promise<AcquireResult> {
    if (signal === undefined) return answer
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        reject(signal.reason)
        // Granted after all: give the slot back.
        answer.then(
          (late) => {
            if (late.granted)
              grant({ ...acquire, provider: '', deadline: 0 }, acquire.leaseId, acquire.tokens).settle({
                outcome: 'cancelled',
              })
          },
          () => {},
        )
      }
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
      answer.then(
        (result) => {
          signal.removeEventListener('abort', onAbort)
          resolve(result)
        },
        (error) => {
          signal.removeEventListener('abort', onAbort)
          reject(error)
        },
      )
    })
  }

  /** A granted call whose place was reserved `delayMs` ahead starts then (or gives it up on abort). */
  const granted = async (
    request: LimiterRequest,
    leaseId: string,
    result: Extract<AcquireResult, { granted: true }>,
  ): Promise<Lease> => {
    const lease = grant(request, leaseId, request.tokens)
    try {
      if (result.delayMs !== undefined && result.delayMs > 0) {
        await delay(result.delayMs, request.signal)
        // Booked before the deployment went into cooldown (as known here): give the place up
        // rather than send to a deployment that is failing.
        const cooling = store.cooldownLeftMs(request.key)
        if (cooling > 0) throw limitError(request, { granted: false, limit: 'cooldown', waitMs: cooling })
      }
      request.signal?.throwIfAborted()
    } catch (error) {
      lease.settle({ outcome: 'cancelled' })
      throw error
    }
    return lease
  }

  const sleepUntilWoken = (key: string, ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        wakers.delete(key)
        resolve()
      }
      const timer = setTimeout(done, Math.max(1, ms))
      wakers.set(key, done)
    })

  async function pump(key: string, queue: Waiter[]): Promise<void> {
    while (queue.length > 0) {
      const head = queue[0]!
      const left = head.request.deadline - performance.now()
      const hint =
        head.last.limit === 'concurrency' ? Math.min(head.last.waitMs, concurrencyPollMs) : head.last.waitMs
      if (left > 0) await sleepUntilWoken(key, Math.min(hint, left))
      if (queue[0] !== head) continue // aborted while asleep
      const leaseId = `${leasePrefix}-${++leaseCount}`
      let result: AcquireResult
      try {
        result = await ask(head.request, leaseId)
      } catch (error) {
        finish(queue, head, () => head.reject(error))
        continue
      }
      if (queue[0] !== head) {
        if (result.granted) grant(head.request, leaseId, head.request.tokens).settle({ outcome: 'cancelled' })
        continue
      }
      if (result.granted) {
        const lease = granted(head.request, leaseId, result)
        finish(queue, head, () => head.resolve(lease))
        continue
      }
      head.last = result
      if (failsNow(head.request, result) || performance.now() >= head.request.deadline)
        finish(queue, head, () => head.reject(limitError(head.request, result)))
    }
    queues.delete(key)
  }

  function finish(queue: Waiter[], waiter: Waiter, settle: () => void): void {
    const index = queue.indexOf(waiter)
    if (index >= 0) queue.splice(index, 1)
    if (waiter.onAbort) waiter.request.signal?.removeEventListener('abort', waiter.onAbort)
    settle()
  }

  async function queued(
    request: LimiterRequest,
    first: { leaseId: string; answer: AcquireResult | Promise<AcquireResult> } | undefined,
  ): Promise<Lease> {
    {
      let queue = queues.get(request.key)
      let last: Extract<AcquireResult, { granted: false }> = {
        granted: false,
        limit: 'concurrency',
        waitMs: 0,
      }
      if (first !== undefined) {
        const { leaseId } = first
        const result = await first.answer
        if (result.granted) return granted(request, leaseId, result)
        if (failsNow(request, result)) throw limitError(request, result)
        last = result
        queue = queues.get(request.key)
      }
      return new Promise<Lease>((resolve, reject) => {
        if (request.signal?.aborted) {
          reject(request.signal.reason)
          return
        }
        const waiter: Waiter = { request, last, resolve, reject }
        if (request.signal) {
          const signal = request.signal
          waiter.onAbort = () => {
            const wasHead = queues.get(request.key)?.[0] === waiter
            finish(queues.get(request.key) ?? [], waiter, () => reject(signal.reason))
            if (wasHead) wakers.get(request.key)?.()
          }
          signal.addEventListener('abort', waiter.onAbort, { once: true })
        }
        if (queue === undefined) {
          const created: Waiter[] = [waiter]
          queues.set(request.key, created)
          void pump(request.key, created)
        } else queue.push(waiter)
      })
    }
  }

  return {
    store,
    inFlight: (key) => inFlight.get(key) ?? 0,
    acquire(request) {
      if (request.signal?.aborted) return Promise.reject(request.signal.reason)
      if (queues.has(request.key)) return queued(request, undefined)
      const leaseId = `${leasePrefix}-${++leaseCount}`
      const acquire = questionOf(request, leaseId)
      const answer = store.acquire(acquire)
      // The usual case with the in-memory store: a synchronous yes, no promise chain.
      if (
        !(answer instanceof Promise) &&
        answer.granted &&
        !(answer.delayMs !== undefined && answer.delayMs > 0)
      )
        return Promise.resolve(grant(request, leaseId, request.tokens))
      return queued(request, {
        leaseId,
        answer: answer instanceof Promise ? raceAbort(request.signal, acquire, answer) : answer,
      })
    },
  }
}
