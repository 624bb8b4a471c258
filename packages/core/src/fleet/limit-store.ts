/**
 * The contract between the rate limiter and where its state lives: this process
 * (`createMemoryLimitStore`) or a Redis shared by a fleet (`@llm-session/redis`). A store makes
 * each decision atomically; the limiter above it does the waiting.
 */

/** Which limit stopped a call. */
export type LimitName = 'requests' | 'tokens' | 'concurrency' | 'cooldown'

/**
 * The limits of one deployment (one provider key, model and base URL), fleet-wide when the store is shared.
 * @example
 * const limits: DeploymentLimits = { requestsPerMinute: 1200, tokensPerMinute: 60_000, maxConcurrent: 50 }
 */
export interface DeploymentLimits {
  requestsPerMinute?: number
  /** Counted from an estimate before the call, corrected from the usage the answer reports. */
  tokensPerMinute?: number
  /** Calls in flight at once. */
  maxConcurrent?: number
  /** The length of the "minute" in ms. Default 60 000; tests and demos shorten it. */
  windowMs?: number
}

/** One atomic "may this call start now?" question. */
export interface AcquireRequest {
  /** The deployment's id; the store prefixes it. */
  key: string
  limits: DeploymentLimits
  /** Tokens the call is expected to spend (prompt estimate plus `max_tokens`). */
  tokens: number
  /** A unique id for this call's concurrency slot. */
  leaseId: string
  /** The slot frees itself after this long if it is never released (a crashed instance). */
  leaseMs: number
  /**
   * How long the call may wait for the request and token buckets: within it the store reserves the
   * call's place (the call starts after `delayMs`) instead of refusing, so a waiting call costs one
   * decision, and calls are served in the order they asked, fleet-wide. Default 0.
   */
  maxDelayMs?: number
}

/** The store's answer: go, or how long to wait before asking again. */
export type AcquireResult =
  | {
      granted: true
      /** Start the call after this long: its place in the buckets is reserved. */
      delayMs?: number
    }
  | {
      granted: false
      limit: LimitName
      /** Milliseconds until the limit can let this call through; Infinity when it never can. */
      waitMs: number
    }

/**
 * What the provider said about its own limits, from `x-ratelimit-*` / `anthropic-ratelimit-*`.
 * The store only ever tightens its state with these (another client may share the key).
 */
export interface ObservedProviderLimits {
  remainingRequests?: number
  remainingTokens?: number
}

/** How a call ended, for the deployment's health. */
export type DeploymentOutcome = 'success' | 'rate-limited' | 'failed' | 'cancelled'

/**
 * When repeated failures put a deployment in cooldown.
 * @example
 * const policy: CooldownPolicy = { failures: 3, failureWindowMs: 60_000, cooldownMs: 5_000 }
 */
export interface CooldownPolicy {
  /** Failures (5xx, timeouts, connection errors) within `failureWindowMs` that start a cooldown. Default 3. */
  failures?: number
  /** Default 60 000. */
  failureWindowMs?: number
  /** How long a cooldown lasts when the provider gave no time. Default 5 000. */
  cooldownMs?: number
}

/** The end of a call: free its slot, correct its tokens, record its outcome and the provider's headers. */
export interface SettleRequest {
  key: string
  limits: DeploymentLimits
  leaseId: string
  /** Tokens counted at acquire. */
  tokensReserved: number
  /** Tokens the answer reported; undefined keeps the estimate. */
  tokensUsed?: number
  outcome: DeploymentOutcome
  /** For `rate-limited`: the provider's `retry-after`, else the policy's cooldown. */
  cooldownMs?: number
  policy: Required<CooldownPolicy>
  observed?: ObservedProviderLimits
}

/**
 * Where limit state lives. `acquire` is one atomic decision (one round trip for a remote store);
 * `settle` may be written behind, batched with the next decision.
 * @example
 * const store: LimitStore = createMemoryLimitStore()
 * const result = await store.acquire({ key: 'openai:gpt-4o', limits, tokens: 500, leaseId, leaseMs: 60_000 })
 */
export interface LimitStore {
  acquire(request: AcquireRequest): AcquireResult | Promise<AcquireResult>
  settle(request: SettleRequest): void
  /** Milliseconds of cooldown left for a deployment, as last known here (no round trip). */
  cooldownLeftMs(key: string): number
}

export const defaultWindowMs = 60_000

/** The defaults of `CooldownPolicy`, filled in once. */
export function resolveCooldownPolicy(policy: CooldownPolicy = {}): Required<CooldownPolicy> {
  return {
    failures: policy.failures ?? 3,
    failureWindowMs: policy.failureWindowMs ?? 60_000,
    cooldownMs: policy.cooldownMs ?? 5_000,
  }
}
