import { InvalidArgumentError } from '../errors/errors.js'
import {
  type AcquireRequest,
  type AcquireResult,
  type DeploymentLimits,
  defaultWindowMs,
  type LimitStore,
  type SettleRequest,
} from './limit-store.js'

/**
 * Each limit is a token bucket (GCRA): it refills continuously, as providers' limits do, and holds
 * a full window's worth, less a margin: calls granted a little apart can arrive closer together at
 * the provider (a busy event loop sends a batch late), and the margin absorbs that. 2% of the
 * window, at least 250 ms, at most 20% (the Redis script uses the same figures).
 */
export function burstBudgetMs(windowMs: number): number {
  return windowMs - Math.min(windowMs * 0.2, Math.max(windowMs * 0.02, 250))
}

/** The usual answer, one object for all calls. */
const grantedNow: AcquireResult = Object.freeze({ granted: true })

/** `theoretical arrival time` of one bucket: full when it is <= now. */
interface DeploymentState {
  requestTat: number
  tokenTat: number
  leases: Map<string, number>
  cooldownUntil: number
  failures: number
  failureWindowEnd: number
}

/**
 * Options of `createMemoryLimitStore()`.
 * @example
 * const local = createMemoryLimitStore({ share: 0.25 }) // a quarter of each limit, e.g. one of 4 instances
 */
export interface MemoryLimitStoreOptions {
  /** The part of each limit this store hands out, in (0, 1]. Default 1. */
  share?: number
  /** The clock, in ms. Default `performance.now`-based. */
  now?: () => number
  /**
   * Start each deployment's request and token buckets spent (refilling at the limit's rate) instead
   * of full, for a store that takes over mid-run (a Redis failover) and cannot know what the fleet
   * spent: per deployment, how many ms past now calls are already booked (0: just empty). Default: full.
   */
  startSpent?: (key: string) => number
}

/**
 * The in-memory store; it decides synchronously.
 * @example
 * const result = createMemoryLimitStore().acquire({ key, limits, tokens: 100, leaseId, leaseMs: 60_000 })
 */
export interface MemoryLimitStore extends LimitStore {
  acquire(request: AcquireRequest): AcquireResult
}

/**
 * One bucket step: the new arrival time when `cost` fits now or within `maxDelayMs` (`delayMs` later),
 * else how long until it would fit.
 */
export function takeFromBucket(
  tat: number,
  now: number,
  cost: number,
  limit: number,
  windowMs: number,
  maxDelayMs = 0,
): { tat: number; waitMs: number; delayMs: number } {
  const interval = windowMs / limit
  if (cost * interval > windowMs) return { tat, waitMs: Number.POSITIVE_INFINITY, delayMs: 0 }
  // The margin never keeps out a call that fits a full bucket (a limit of 1, a call of all the tokens).
  const budget = Math.max(burstBudgetMs(windowMs), cost * interval)
  const next = Math.max(tat, now) + cost * interval
  const over = next - now - budget
  if (over <= 0) return { tat: next, waitMs: 0, delayMs: 0 }
  return over <= maxDelayMs ? { tat: next, waitMs: 0, delayMs: over } : { tat, waitMs: over, delayMs: 0 }
}

/** Pulls a bucket down to what the provider says is left; never loosens it. */
export function tightenBucket(
  tat: number,
  now: number,
  remaining: number,
  limit: number,
  windowMs: number,
): number {
  const interval = windowMs / limit
  const budget = burstBudgetMs(windowMs)
  const floor = now + budget - remaining * interval
  return Math.max(tat, floor)
}

/** The limits times a share; concurrency keeps at least one slot. */
export function scaleLimits(limits: DeploymentLimits, share: number): DeploymentLimits {
  if (share === 1) return limits
  const scaled: DeploymentLimits = { windowMs: limits.windowMs }
  if (limits.requestsPerMinute !== undefined) scaled.requestsPerMinute = limits.requestsPerMinute * share
  if (limits.tokensPerMinute !== undefined) scaled.tokensPerMinute = limits.tokensPerMinute * share
  if (limits.maxConcurrent !== undefined)
    scaled.maxConcurrent = Math.max(1, Math.floor(limits.maxConcurrent * share))
  return scaled
}

/**
 * The default store: limits and cooldowns for this process only. One instance works with no setup;
 * a fleet shares state through `@llm-session/redis`, which falls back to this store when Redis is away.
 * @example
 * const store = createMemoryLimitStore()
 * const llm = createClient({ limits: { store }, deployments: { chat: [{ model: 'openai/gpt-4o', limits: { requestsPerMinute: 500 } }] } })
 */
export function createMemoryLimitStore(options: MemoryLimitStoreOptions = {}): MemoryLimitStore {
  const share = options.share ?? 1
  if (typeof share !== 'number' || !(share > 0 && share <= 1))
    throw new InvalidArgumentError('share must be a number in (0, 1]', { field: 'share' })
  const now = options.now ?? (() => performance.now())
  const states = new Map<string, DeploymentState>()
  const stateOf = (key: string, limits: DeploymentLimits): DeploymentState => {
    let state = states.get(key)
    if (state === undefined) {
      const spent = options.startSpent
      const start =
        spent === undefined ? 0 : now() + spent(key) + burstBudgetMs(limits.windowMs ?? defaultWindowMs)
      state = {
        requestTat: start,
        tokenTat: start,
        leases: new Map(),
        cooldownUntil: 0,
        failures: 0,
        failureWindowEnd: 0,
      }
      states.set(key, state)
    }
    return state
  }

  return {
    acquire(request: AcquireRequest): AcquireResult {
      const state = stateOf(request.key, request.limits)
      const limits = scaleLimits(request.limits, share)
      const windowMs = limits.windowMs ?? defaultWindowMs
      const at = now()
      if (state.cooldownUntil > at)
        return { granted: false, limit: 'cooldown', waitMs: state.cooldownUntil - at }
      // Expired leases (a crashed caller's) matter only at the limit: scanned then, not on every call.
      if (limits.maxConcurrent !== undefined && state.leases.size >= limits.maxConcurrent) {
        let soonest = Number.POSITIVE_INFINITY
        for (const [id, expires] of state.leases) {
          if (expires <= at) state.leases.delete(id)
          else soonest = Math.min(soonest, expires)
        }
        if (state.leases.size >= limits.maxConcurrent)
          return { granted: false, limit: 'concurrency', waitMs: soonest - at }
      }
      const maxDelayMs = request.maxDelayMs ?? 0
      let requestTat = state.requestTat
      let delayMs = 0
      if (limits.requestsPerMinute !== undefined) {
        const step = takeFromBucket(requestTat, at, 1, limits.requestsPerMinute, windowMs, maxDelayMs)
        if (step.waitMs > 0) return { granted: false, limit: 'requests', waitMs: step.waitMs }
        requestTat = step.tat
        delayMs = step.delayMs
      }
      if (limits.tokensPerMinute !== undefined) {
        const step = takeFromBucket(
          state.tokenTat,
          at,
          request.tokens,
          limits.tokensPerMinute,
          windowMs,
          maxDelayMs,
        )
        if (step.waitMs > 0) return { granted: false, limit: 'tokens', waitMs: step.waitMs }
        state.tokenTat = step.tat
        delayMs = Math.max(delayMs, step.delayMs)
      }
      state.requestTat = requestTat
      if (limits.maxConcurrent !== undefined)
        state.leases.set(request.leaseId, at + delayMs + request.leaseMs)
      return delayMs > 0 ? { granted: true, delayMs } : grantedNow
    },

    settle(request: SettleRequest): void {
      const state = stateOf(request.key, request.limits)
      const limits = scaleLimits(request.limits, share)
      const windowMs = limits.windowMs ?? defaultWindowMs
      const at = now()
      state.leases.delete(request.leaseId)
      if (limits.tokensPerMinute !== undefined && request.tokensUsed !== undefined)
        state.tokenTat += ((request.tokensUsed - request.tokensReserved) * windowMs) / limits.tokensPerMinute
      const observed = request.observed
      if (observed?.remainingRequests !== undefined && limits.requestsPerMinute !== undefined)
        state.requestTat = tightenBucket(
          state.requestTat,
          at,
          observed.remainingRequests * share,
          limits.requestsPerMinute,
          windowMs,
        )
      if (observed?.remainingTokens !== undefined && limits.tokensPerMinute !== undefined)
        state.tokenTat = tightenBucket(
          state.tokenTat,
          at,
          observed.remainingTokens * share,
          limits.tokensPerMinute,
          windowMs,
        )
      if (request.outcome === 'success') state.failures = 0
      else if (request.outcome === 'rate-limited')
        state.cooldownUntil = Math.max(
          state.cooldownUntil,
          at + (request.cooldownMs ?? request.policy.cooldownMs),
        )
      else if (request.outcome === 'failed') {
        if (at > state.failureWindowEnd) {
          state.failures = 0
          state.failureWindowEnd = at + request.policy.failureWindowMs
        }
        if (++state.failures >= request.policy.failures) {
          state.cooldownUntil = Math.max(state.cooldownUntil, at + request.policy.cooldownMs)
          state.failures = 0
        }
      }
    },

    cooldownLeftMs(key: string): number {
      const state = states.get(key)
      return state === undefined ? 0 : Math.max(0, state.cooldownUntil - now())
    },
  }
}
