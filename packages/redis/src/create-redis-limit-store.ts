import {
  type AcquireRequest,
  type AcquireResult,
  createMemoryLimitStore,
  InvalidArgumentError,
  type LimitStore,
  type SessionLogger,
  type SettleRequest,
} from '@llm-session/core'
import type { Redis } from 'ioredis'
import { limitCodes, limitScript, limitScriptSha } from './limit-script.js'

/**
 * Options of `createRedisLimitStore()`.
 * @example
 * const store = createRedisLimitStore({ redis: new Redis(process.env.REDIS_URL), fleetSize: 4 })
 */
export interface RedisLimitStoreOptions {
  /** Your ioredis client (or Cluster). Borrowed: the store never closes it. */
  redis: Pick<Redis, 'evalsha' | 'eval' | 'ping'>
  /** Prefix of every key, inside a `{hash tag}` so one script's keys share a Cluster slot. Default `llm-session`. */
  prefix?: string
  /** Slower answers than this count as Redis being away. Default 50 ms. */
  latencyBudgetMs?: number
  /** Instances sharing the limits; while Redis is away each uses 1 / fleetSize of every limit. Default 1. */
  fleetSize?: number
  /** How often a local-mode store checks whether Redis is back. Default 1 000 ms. */
  probeIntervalMs?: number
  /** Gets the one warning per outage and the notice when shared limits resume. Default: `process.emitWarning` for the warning. */
  logger?: Pick<SessionLogger, 'warn' | 'info'>
}

/** What the store did, for tests, benches and dashboards. */
export interface RedisLimitStoreStats {
  mode: 'shared' | 'local'
  /** Scripts sent to Redis (each one round trip). */
  roundTrips: number
  acquires: number
  settles: number
  /** Times the store fell back to local limits. */
  failovers: number
}

/**
 * A `LimitStore` shared by a fleet through Redis. Close it to stop its probe timer (it leaves your
 * Redis client open).
 * @example
 * const store = createRedisLimitStore({ redis })
 * store.stats().roundTrips
 */
export interface RedisLimitStore extends LimitStore {
  readonly mode: 'shared' | 'local'
  stats(): RedisLimitStoreStats
  close(): void
}

class BudgetExceeded extends Error {}

/** A cancelled settle's policy is never read; this fills the field. */
const releasePolicy = { failures: 3, failureWindowMs: 60_000, cooldownMs: 5_000 }

/** One slow answer (a GC pause, a busy host) is decided locally; this many in a row mean Redis is away. */
const slowAnswersBeforeFailover = 3

/** End-of-call updates wait at most this long for a following call's script to carry them. */
const settleFlushMs = 5
/** The same for updates nothing waits on (tokens used, success): they may wait for the next call longer. */
const correctionFlushMs = 250

interface ScriptOp {
  o: 'a' | 's'
  k: number
  w: number
  r?: number
  t?: number
  c?: number
  n?: number
  l: string
  e?: number
  md?: number
  z?: number
  d?: number
  x?: string
  cd?: number
  pf?: number
  pw?: number
  pc?: number
  rr?: number
  rk?: number
}

function positive(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(`${field} must be a number > 0`, { field })
  return value
}

/**
 * Creates the Redis store. Each call costs one EVALSHA (its acquire, carrying the settles written
 * behind since the last one); when Redis errors or answers slower than `latencyBudgetMs`, the store
 * warns once and uses local limits (1 / `fleetSize` of each) until a probe finds Redis back.
 * @example
 * import { Redis } from 'ioredis'
 * const llm = createClient({ limits: { store: createRedisLimitStore({ redis: new Redis(), fleetSize: 4 }) }, deployments })
 */
export function createRedisLimitStore(options: RedisLimitStoreOptions): RedisLimitStore {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('options must be an object', { field: 'options' })
  const { redis, logger } = options
  if (typeof redis?.evalsha !== 'function' || typeof redis.eval !== 'function')
    throw new InvalidArgumentError('redis must be an ioredis client', { field: 'redis' })
  const prefix = options.prefix ?? 'llm-session'
  if (typeof prefix !== 'string' || prefix.length === 0 || /[{}]/.test(prefix))
    throw new InvalidArgumentError('prefix must be a non-empty string without braces', { field: 'prefix' })
  const budgetMs = positive(options.latencyBudgetMs, 'latencyBudgetMs', 50)
  const fleetSize = positive(options.fleetSize, 'fleetSize', 1)
  const probeMs = positive(options.probeIntervalMs, 'probeIntervalMs', 1_000)
  // Each outage gets a fresh local store that starts with empty buckets: the fleet was spending the
  // limits until now, so a full local bucket per instance would burst into the provider's 429s.
  // Calls this instance has booked ahead (reserved starts), per deployment: a store taking over
  // starts its buckets spent until then, so booked calls and new ones do not add up.
  const bookedUntil = new Map<string, number>()
  const bookedAheadMs = (key: string) => Math.max(0, (bookedUntil.get(key) ?? 0) - performance.now())
  const noteBooking = (key: string, result: AcquireResult) => {
    if (result.granted && result.delayMs !== undefined)
      bookedUntil.set(key, Math.max(bookedUntil.get(key) ?? 0, performance.now() + result.delayMs))
    return result
  }
  const newLocalStore = () =>
    createMemoryLimitStore({ share: Math.min(1, 1 / fleetSize), startSpent: bookedAheadMs })
  let local = newLocalStore()
  const localLeases = new Set<string>()
  const cooldowns = new Map<string, number>()
  const stats: RedisLimitStoreStats = { mode: 'shared', roundTrips: 0, acquires: 0, settles: 0, failovers: 0 }
  let pending: { ops: ScriptOp[]; keys: string[] } = { ops: [], keys: [] }
  let flushTimer: NodeJS.Timeout | undefined
  let flushAt = Number.POSITIVE_INFINITY
  let probe: NodeJS.Timeout | undefined
  let closed = false

  // Each deployment's two key names, built once.
  const keyNames = new Map<string, readonly [string, string]>()
  const keysOf = (key: string): readonly [string, string] => {
    let names = keyNames.get(key)
    if (names === undefined) {
      names = [`{${prefix}}:${key}:state`, `{${prefix}}:${key}:leases`]
      keyNames.set(key, names)
    }
    return names
  }

  const budgetMessage = `Redis answered slower than ${budgetMs} ms`
  // One promise and one timer per answer; a late failure after the budget ran out is already handled.
  const withBudget = <T>(work: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BudgetExceeded(budgetMessage)), budgetMs)
      work.then(
        (value) => {
          clearTimeout(timer)
          resolve(value)
        },
        (error) => {
          clearTimeout(timer)
          reject(error)
        },
      )
    })

  /** Sends the ops: `keys` (the ops' key pairs) gets the ops' JSON appended and goes as the argument list. */
  const runScript = async (keys: string[], ops: ScriptOp[]): Promise<unknown> => {
    stats.roundTrips++
    const keyCount = keys.length
    keys.push(JSON.stringify(ops))
    try {
      return await withBudget(redis.evalsha(limitScriptSha, keyCount, keys))
    } catch (error) {
      // A fresh or flushed Redis has no script cached: EVAL sends it once and caches it.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT'))
        return await withBudget(redis.eval(limitScript, keyCount, keys))
      throw error
    }
  }

  // When shared limits last resumed; leases also held in the local store meanwhile (see acquire).
  let returnedAt = Number.NEGATIVE_INFINITY
  const guardLeases = new Set<string>()
  const guardRelease = (request: AcquireRequest): SettleRequest => ({
    key: request.key,
    limits: request.limits,
    leaseId: request.leaseId,
    tokensReserved: request.tokens,
    outcome: 'cancelled',
    policy: releasePolicy,
  })

  let slowStreak = 0
  // After an outage Redis may have restarted empty, knowing nothing of what the fleet spent: the
  // first decision per deployment then starts its buckets empty (refilling at the limit's rate)
  // instead of full, so the fleet does not burst into the provider's 429s.
  let warmKeys: Set<string> | undefined

  const onFailure = (error: unknown) => {
    if (error instanceof BudgetExceeded && ++slowStreak < slowAnswersBeforeFailover) return
    goLocal(error)
  }

  const goLocal = (error: unknown) => {
    slowStreak = 0
    if (stats.mode === 'local') return
    local = newLocalStore()
    localLeases.clear()
    guardLeases.clear()
    stats.mode = 'local'
    stats.failovers++
    const reason = error instanceof Error ? error.message : String(error)
    const message = `llm-session: Redis limit store unavailable (${reason}); using local limits (1/${fleetSize} of each) until it is back`
    if (logger) logger.warn({ reason, fleetSize }, message)
    else process.emitWarning(message, { code: 'LLM_SESSION_REDIS_FAILOVER' })
    if (!closed) probe = setInterval(checkBack, probeMs).unref()
  }

  let probing = false
  const checkBack = () => {
    if (probing) return
    probing = true
    withBudget(Promise.resolve(redis.ping()))
      .then(() => {
        stats.mode = 'shared'
        warmKeys = new Set()
        returnedAt = performance.now()
        clearInterval(probe)
        probe = undefined
        logger?.info({}, 'llm-session: Redis limit store is back; shared limits resumed')
      })
      .catch(() => {})
      .finally(() => {
        probing = false
      })
  }

  const takePending = () => {
    if (flushTimer !== undefined) {
      clearTimeout(flushTimer)
      flushTimer = undefined
      flushAt = Number.POSITIVE_INFINITY
    }
    const taken = pending
    pending = { ops: [], keys: [] }
    return taken
  }

  const flush = () => {
    const { ops, keys } = takePending()
    if (ops.length === 0 || stats.mode === 'local') return
    runScript(keys, ops).then(() => {
      slowStreak = 0
    }, onFailure)
  }

  const limitFields = (op: ScriptOp, limits: AcquireRequest['limits']) => {
    if (limits.requestsPerMinute !== undefined) op.r = limits.requestsPerMinute
    if (limits.tokensPerMinute !== undefined) op.t = limits.tokensPerMinute
    if (limits.maxConcurrent !== undefined) op.c = limits.maxConcurrent
    return op
  }

  const noteCooldown = (key: string, waitMs: number) => cooldowns.set(key, performance.now() + waitMs)

  const localAcquire = (request: AcquireRequest): AcquireResult => {
    const result = noteBooking(request.key, local.acquire(request))
    if (result.granted) localLeases.add(request.leaseId)
    else if (result.limit === 'cooldown') noteCooldown(request.key, result.waitMs)
    return result
  }

  return {
    get mode() {
      return stats.mode
    },
    stats: () => ({ ...stats }),
    close() {
      closed = true
      flush()
      clearInterval(probe)
      probe = undefined
    },
    cooldownLeftMs(key) {
      const until = cooldowns.get(key)
      if (until === undefined) return 0
      const left = until - performance.now()
      if (left <= 0) cooldowns.delete(key)
      return Math.max(0, left)
    },
    async acquire(request) {
      stats.acquires++
      if (stats.mode === 'local') return localAcquire(request)
      // For a window after an outage the instance also keeps to its local share: the instances
      // come back one by one, and the first back must not take the whole shared limit while the
      // others still spend their shares.
      let guard: AcquireResult | undefined
      if (
        returnedAt !== Number.NEGATIVE_INFINITY &&
        performance.now() - returnedAt < (request.limits.windowMs ?? 60_000)
      ) {
        guard = local.acquire(request)
        if (!guard.granted) {
          if (guard.limit === 'cooldown') noteCooldown(request.key, guard.waitMs)
          return guard
        }
      }
      const { ops, keys } = takePending()
      const [state, leases] = keysOf(request.key)
      keys.push(state, leases)
      ops.push(
        limitFields(
          {
            o: 'a',
            k: keys.length / 2,
            w: request.limits.windowMs ?? 60_000,
            n: request.tokens,
            l: request.leaseId,
            e: request.leaseMs,
            md: request.maxDelayMs ?? 0,
            z: warmKeys !== undefined && !warmKeys.has(request.key) ? bookedAheadMs(request.key) : undefined,
          },
          request.limits,
        ),
      )
      let reply: unknown
      try {
        reply = await runScript(keys, ops)
      } catch (error) {
        onFailure(error)
        if (guard === undefined) return localAcquire(request)
        localLeases.add(request.leaseId)
        return noteBooking(request.key, guard)
      }
      slowStreak = 0
      warmKeys?.add(request.key)
      const [granted, code, wait] = reply as [number, number, number]
      if (granted === 1) {
        if (guard !== undefined) guardLeases.add(request.leaseId)
        const delayMs = Math.max(wait, guard?.granted ? (guard.delayMs ?? 0) : 0)
        return noteBooking(request.key, delayMs > 0 ? { granted: true, delayMs } : { granted: true })
      }
      // Refused in Redis: free the local slot (its tokens stay counted locally, on the safe side).
      if (guard !== undefined) local.settle(guardRelease(request))
      const limit = limitCodes[code - 1] ?? 'requests'
      const waitMs = wait < 0 ? Number.POSITIVE_INFINITY : wait
      if (limit === 'cooldown') noteCooldown(request.key, waitMs)
      return { granted: false, limit, waitMs }
    },
    settle(request: SettleRequest) {
      stats.settles++
      if (request.outcome === 'rate-limited')
        noteCooldown(request.key, request.cooldownMs ?? request.policy.cooldownMs)
      if (localLeases.delete(request.leaseId)) {
        local.settle(request)
        return
      }
      if (guardLeases.delete(request.leaseId)) local.settle({ ...request, tokensUsed: undefined })
      if (stats.mode === 'local') {
        // A slot taken in Redis before the outage frees itself there when its lease ends; only the
        // outcome counts here, its tokens were never in the local buckets.
        local.settle({ ...request, tokensUsed: undefined })
        return
      }
      const [state, leases] = keysOf(request.key)
      pending.keys.push(state, leases)
      const op = limitFields(
        {
          o: 's',
          k: pending.keys.length / 2,
          w: request.limits.windowMs ?? 60_000,
          l: request.leaseId,
          d: request.tokensUsed === undefined ? 0 : request.tokensUsed - request.tokensReserved,
          x: request.outcome,
          cd: request.cooldownMs ?? request.policy.cooldownMs,
          pf: request.policy.failures,
          pw: request.policy.failureWindowMs,
          pc: request.policy.cooldownMs,
        },
        request.limits,
      )
      if (request.observed?.remainingRequests !== undefined) op.rr = request.observed.remainingRequests
      if (request.observed?.remainingTokens !== undefined) op.rk = request.observed.remainingTokens
      pending.ops.push(op)
      // Updates wait for the next call's script to carry them: a cooldown or failure only a turn
      // of the event loop (the fleet must know), a freed concurrency slot a few ms, a token
      // correction longer.
      const waitMs =
        request.outcome === 'rate-limited' || request.outcome === 'failed'
          ? 0
          : request.limits.maxConcurrent !== undefined
            ? settleFlushMs
            : correctionFlushMs
      const at = performance.now() + waitMs
      if (at < flushAt) {
        clearTimeout(flushTimer)
        flushAt = at
        flushTimer = setTimeout(flush, waitMs)
      }
    },
  }
}
