import { RateLimitError } from '../errors/errors.js'
import type { LimiterRequest } from './create-rate-limiter.js'
import type { AcquireResult, LimitName } from './limit-store.js'

const limitText: Record<LimitName, string> = {
  requests: 'requests per minute',
  tokens: 'tokens per minute',
  concurrency: 'concurrent calls',
  cooldown: 'cooldown',
}

/** The typed failure of a call that found no capacity before its deadline. */
export function limitError(
  request: LimiterRequest,
  result: Extract<AcquireResult, { granted: false }>,
): RateLimitError {
  const never = !Number.isFinite(result.waitMs)
  const reason = never
    ? `the call needs more ${limitText[result.limit]} than the limit allows`
    : result.limit === 'cooldown'
      ? `the deployment is in cooldown for ${Math.ceil(result.waitMs)} ms more`
      : `no capacity within the call's deadline`
  return new RateLimitError(`${request.key}: ${limitText[result.limit]} limit reached; ${reason}`, {
    provider: request.provider,
    type: result.limit,
    providerCode: 'llm_session_limit',
    retryAfterMs: never ? undefined : Math.ceil(result.waitMs),
    retryable: false,
  })
}

// Exact waits (buckets, cooldowns) fail at once when they end past the deadline; a concurrency
// slot may free any time, so those calls wait.
export const failsNow = (request: LimiterRequest, result: Extract<AcquireResult, { granted: false }>) =>
  request.wait === false ||
  (result.limit !== 'concurrency' && performance.now() + result.waitMs > request.deadline)
