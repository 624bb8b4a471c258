import { setTimeout as delay } from 'node:timers/promises'
import { extendCallInfo } from '../client/call-info.js'
import type { CallMiddleware, CallOutcome, CallRoute, LlmCall } from '../client/call-middleware.js'
import { nameNextDeployment, takeOverRetries } from '../client/call-scope.js'
import { retryDelayMs, shouldRetryHeader } from '../client/retry-policy.js'
import {
  ConnectionError,
  ContextWindowExceededError,
  InternalServerError,
  isAbortError,
  LlmError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
} from '../errors/errors.js'
import { createMemoryLimitStore } from './create-memory-limit-store.js'
import { createRateLimiter, type Lease } from './create-rate-limiter.js'
import type { ResolvedDeployment, RoutingOptions } from './deployment-options.js'
import { estimateCallTokens } from './estimate-call-tokens.js'
import { type DeploymentOutcome, type ObservedProviderLimits, resolveCooldownPolicy } from './limit-store.js'
import { readProviderLimits } from './read-provider-limits.js'

/** The client's router: a middleware, and the stand-in route prepareCall uses for a group's name. */
export interface DeploymentRouter {
  readonly middleware: CallMiddleware
  /** The group's first deployment, so a call to `chat` validates and prepares like one to it. */
  groupBase(model: string): ResolvedDeployment | undefined
}

const latencyWeight = 0.3

/** What a failed run means for its deployment, and whether another deployment may help. */
function classify(error: unknown): { outcome: DeploymentOutcome; fallback: boolean; cooldownMs?: number } {
  if (isAbortError(error)) return { outcome: 'cancelled', fallback: false }
  if (error instanceof RateLimitError)
    return error.status === 429
      ? { outcome: 'rate-limited', fallback: true, cooldownMs: error.retryAfterMs }
      : { outcome: 'cancelled', fallback: true }
  if (
    error instanceof InternalServerError ||
    error instanceof ServiceUnavailableError ||
    error instanceof TimeoutError ||
    error instanceof ConnectionError
  )
    return { outcome: 'failed', fallback: true }
  if (error instanceof ContextWindowExceededError) return { outcome: 'cancelled', fallback: true }
  return { outcome: 'cancelled', fallback: false }
}

function routeOf(deployment: ResolvedDeployment): CallRoute {
  const route: CallRoute = { provider: deployment.provider, model: deployment.providerModel }
  if (deployment.baseUrl !== undefined) route.baseUrl = deployment.baseUrl
  if (deployment.apiKey !== undefined) route.apiKey = deployment.apiKey
  if (deployment.headers !== undefined) route.headers = deployment.headers
  return route
}

const usedTokens = (result: CallOutcome['result']): number | undefined => result?.usage?.total_tokens

/**
 * Routes calls to model groups across their deployments: picks a healthy one by strategy, takes
 * capacity from the limit store (waiting first come, first served when all are busy), falls back to
 * the next deployment or fallback group on a 429, 5xx, timeout or context-window error within the
 * call's deadline, and reports every outcome back so cooldowns are shared. Built on the client's
 * one call middleware; streams fall back only before their first chunk (the middleware runner's rule).
 */
export function createDeploymentRouter(
  groups: Map<string, ResolvedDeployment[]>,
  routing: RoutingOptions,
  random: () => number,
): DeploymentRouter | undefined {
  const fallbacks = routing.fallbacks ?? {}
  if (groups.size === 0 && Object.keys(fallbacks).length === 0) return undefined
  const store = routing.store ?? createMemoryLimitStore()
  const limiter = createRateLimiter({ store, cooldown: resolveCooldownPolicy(routing.cooldown) })
  const estimate = routing.estimateTokens ?? estimateCallTokens
  const strategy = routing.strategy ?? 'weighted'
  const latency = new Map<string, number>()
  const adHoc = new Map<string, ResolvedDeployment[]>()

  const deploymentsOf = (name: string): ResolvedDeployment[] => {
    const group = groups.get(name)
    if (group !== undefined) return group
    let single = adHoc.get(name)
    if (single === undefined) {
      const slash = name.indexOf('/')
      single = [
        {
          model: name,
          id: name,
          weight: 1,
          limits: {},
          provider: name.slice(0, slash),
          providerModel: name.slice(slash + 1),
        },
      ]
      adHoc.set(name, single)
    }
    return single
  }

  const order = (list: ResolvedDeployment[]): ResolvedDeployment[] => {
    if (list.length === 1) return list
    const healthy: { deployment: ResolvedDeployment; rank: number }[] = []
    const cooling: ResolvedDeployment[] = []
    for (const deployment of list) {
      if (store.cooldownLeftMs(deployment.id) > 0) cooling.push(deployment)
      // Weighted: a random permutation where each goes first in proportion to its weight.
      else if (strategy === 'weighted')
        healthy.push({ deployment, rank: -(random() ** (1 / deployment.weight)) })
      else if (strategy === 'least-busy')
        healthy.push({ deployment, rank: limiter.inFlight(deployment.id) - random() * 0.5 })
      else healthy.push({ deployment, rank: latency.get(deployment.id) ?? 0 })
    }
    healthy.sort((a, b) => a.rank - b.rank)
    return [...healthy.map((entry) => entry.deployment), ...cooling]
  }

  const middleware: CallMiddleware = async (call: LlmCall, next) => {
    const group = groups.get(call.model)
    const fallbackNames = fallbacks[call.model]
    if (group === undefined && fallbackNames === undefined) return next()
    const tokens = estimate(call.request)
    // Retries are made here, not by the client's retry loop, so each attempt takes capacity.
    const retries = takeOverRetries(call)
    // By default a call waits at most half its time for capacity, so it still has time to be answered.
    const queueDeadline = () =>
      performance.now() + Math.min(call.remainingMs(), routing.maxQueueWait ?? call.remainingMs() / 2)
    const deadline = queueDeadline()
    let observed: ObservedProviderLimits | undefined
    let shouldRetry: boolean | undefined
    let streamLease: Lease | undefined
    call.observe({
      onAttemptResponse: ({ headers }) => {
        observed = readProviderLimits(headers) ?? observed
        shouldRetry = shouldRetryHeader(headers)
      },
      onEnd: ({ result, error, abandoned }) => {
        if (streamLease === undefined) return
        const outcome = error !== undefined ? classify(error).outcome : abandoned ? 'cancelled' : 'success'
        streamLease.settle({ outcome, tokensUsed: usedTokens(result), observed })
        streamLease = undefined
      },
    })

    const acquire = (deployment: ResolvedDeployment, wait: boolean, until: number) =>
      limiter.acquire({
        key: deployment.id,
        limits: deployment.limits,
        tokens,
        provider: deployment.provider,
        deadline: until,
        signal: call.signal,
        wait,
      })

    const runOnce = async (deployment: ResolvedDeployment, lease: Lease): Promise<CallOutcome> => {
      const started = performance.now()
      observed = undefined
      shouldRetry = undefined
      nameNextDeployment(call, deployment.id)
      let outcome: CallOutcome
      try {
        // The call was prepared as its group's first deployment: that one needs no new route.
        outcome = await next(group?.[0] === deployment ? undefined : routeOf(deployment))
      } catch (error) {
        const verdict = classify(error)
        lease.settle({ outcome: verdict.outcome, cooldownMs: verdict.cooldownMs, observed })
        throw error
      }
      const ms = performance.now() - started
      const previous = latency.get(deployment.id)
      latency.set(deployment.id, previous === undefined ? ms : previous + latencyWeight * (ms - previous))
      if (call.operation === 'stream') streamLease = lease
      else lease.settle({ outcome: 'success', tokensUsed: usedTokens(outcome.result), observed })
      return outcome
    }

    // A deployment's run with the call's retries, as the client's retry loop makes them (x-should-retry,
    // else the error's `retryable`; the provider's wait, else exponential backoff), but each retry
    // takes capacity again: after a 429 that waits out the cooldown it started (a lone deployment)
    // or gives way to the next deployment.
    const run = async (deployment: ResolvedDeployment, first: Lease, wait: boolean): Promise<CallOutcome> => {
      let lease = first
      for (let retry = 0; ; retry++) {
        try {
          const outcome = await runOnce(deployment, lease)
          if (outcome.result !== undefined)
            extendCallInfo(
              outcome.result,
              retry === 0
                ? { deployment: deployment.id }
                : { deployment: deployment.id, attempts: retry + 1 },
            )
          return outcome
        } catch (error) {
          const retryable = shouldRetry ?? (error instanceof LlmError && error.retryable)
          if (retry >= retries || !retryable || call.signal.aborted) throw error
          if (classify(error).outcome !== 'rate-limited') {
            const ms = retryDelayMs(retry, (error as RateLimitError).retryAfterMs, random)
            if (ms >= call.remainingMs()) throw error
            await delay(ms, undefined, { signal: call.signal })
          }
          try {
            lease = await acquire(deployment, wait, queueDeadline())
          } catch (limited) {
            if (limited instanceof RateLimitError) throw error
            throw limited
          }
        }
      }
    }

    let lastError: unknown
    const limited: { deployment: ResolvedDeployment; waitMs: number }[] = []
    const attempt = async (
      deployment: ResolvedDeployment,
      wait: boolean,
    ): Promise<CallOutcome | undefined> => {
      let lease: Lease
      try {
        lease = await acquire(deployment, wait, deadline)
      } catch (error) {
        if (!(error instanceof RateLimitError)) throw error
        if (wait || lastError === undefined) lastError = error
        if (!wait && error.type !== 'cooldown' && error.retryAfterMs !== undefined)
          limited.push({ deployment, waitMs: error.retryAfterMs })
        return undefined
      }
      try {
        return await run(deployment, lease, wait)
      } catch (error) {
        if (!classify(error).fallback || call.signal.aborted) throw error
        lastError = error
        return undefined
      }
    }

    // First every deployment of every group in the chain that has capacity now; then wait in line
    // at the one that frees soonest. A lone deployment waits at once (one decision, not two).
    const candidates =
      fallbackNames === undefined
        ? order(group!)
        : [call.model, ...fallbackNames].flatMap((name) => order(deploymentsOf(name)))
    if (candidates.length === 1) {
      const outcome = await attempt(candidates[0]!, true)
      if (outcome !== undefined) return outcome
      throw lastError
    }
    for (const deployment of candidates) {
      const outcome = await attempt(deployment, false)
      if (outcome !== undefined) return outcome
    }
    limited.sort((a, b) => a.waitMs - b.waitMs)
    const soonest = limited[0]
    if (soonest !== undefined) {
      const outcome = await attempt(soonest.deployment, true)
      if (outcome !== undefined) return outcome
    }
    throw lastError
  }

  return {
    middleware,
    groupBase: (model) => groups.get(model)?.[0],
  }
}
