import type { MockExchange } from './mock-exchange.js'

/**
 * Limits the mock enforces per API key, as providers do: token buckets that refill continuously
 * and hold a full window, plus calls in flight.
 * @example
 * await startMockProvider({ rateLimits: { requestsPerMinute: 1200, tokensPerMinute: 60_000, maxConcurrent: 50 } })
 */
export interface MockRateLimits {
  requestsPerMinute?: number
  /** Charged with the usage the mock reports (prompt plus completion tokens). */
  tokensPerMinute?: number
  maxConcurrent?: number
  /** The length of the "minute" in ms. Default 60 000; tests shorten it. */
  windowMs?: number
}

interface KeyState {
  requestTat: number
  tokenTat: number
  inFlight: number
}

/** A refused request: the 429 to send, with its headers. */
export interface MockRateLimitRefusal {
  message: string
  headers: Record<string, string>
}

/** Go-style durations, as OpenAI's `x-ratelimit-reset-*` headers carry them: `12ms`, `1s`, `6m0s`. */
export function formatResetDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.ceil(ms))}ms`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Number(((ms - minutes * 60_000) / 1_000).toFixed(3))
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`
}

const usesAnthropicHeaders = (route: string) => route.startsWith('anthropic')
const usesOpenAIHeaders = (route: string) => route.startsWith('openai') || route.startsWith('azure')

/** Buckets per API key; the key itself is only a map key, never recorded. */
export class MockRateLimiter {
  private readonly keys = new Map<string, KeyState>()

  reset(): void {
    this.keys.clear()
  }

  private stateOf(key: string): KeyState {
    let state = this.keys.get(key)
    if (state === undefined) {
      state = { requestTat: 0, tokenTat: 0, inFlight: 0 }
      this.keys.set(key, state)
    }
    return state
  }

  /**
   * Admits a request or refuses it. An admitted one holds a concurrency slot until its response
   * closes, and is charged its tokens when the answer is made (`exchange.chargeTokens`).
   */
  admit(exchange: MockExchange, key: string, limits: MockRateLimits): MockRateLimitRefusal | undefined {
    const state = this.stateOf(key)
    const windowMs = limits.windowMs ?? 60_000
    const now = performance.now()
    const requests = limits.requestsPerMinute
    const tokens = limits.tokensPerMinute
    let refusal: { message: string; waitMs: number } | undefined
    if (limits.maxConcurrent !== undefined && state.inFlight >= limits.maxConcurrent)
      refusal = { message: `Too many concurrent requests: limit ${limits.maxConcurrent}`, waitMs: 1_000 }
    else if (requests !== undefined) {
      const next = Math.max(state.requestTat, now) + windowMs / requests
      if (next - now > windowMs)
        refusal = {
          message: `Rate limit reached for requests per min (RPM): Limit ${requests}`,
          waitMs: next - now - windowMs,
        }
      else state.requestTat = next
    }
    if (refusal === undefined && tokens !== undefined && state.tokenTat - now > windowMs)
      refusal = {
        message: `Rate limit reached for tokens per min (TPM): Limit ${tokens}`,
        waitMs: state.tokenTat - now - windowMs,
      }
    if (refusal !== undefined) {
      const headers = this.headers(exchange.route, state, limits, now)
      headers['retry-after'] = String(Math.max(1, Math.ceil(refusal.waitMs / 1_000)))
      return { message: refusal.message, headers }
    }
    state.inFlight++
    exchange.res.once('close', () => {
      state.inFlight--
    })
    exchange.rateLimitHeaders = () => this.headers(exchange.route, state, limits, performance.now())
    exchange.chargeTokens = (used) => {
      if (tokens === undefined) return
      state.tokenTat = Math.max(state.tokenTat, performance.now()) + (used * windowMs) / tokens
    }
    return undefined
  }

  /** The headers the provider of `route` sends about a key's limits. */
  private headers(
    route: string,
    state: KeyState,
    limits: MockRateLimits,
    now: number,
  ): Record<string, string> {
    const headers: Record<string, string> = {}
    const windowMs = limits.windowMs ?? 60_000
    const bucket = (limit: number, tat: number) => {
      const used = Math.max(0, tat - now)
      return { remaining: Math.max(0, Math.floor(((windowMs - used) * limit) / windowMs)), resetMs: used }
    }
    const families: [string, number | undefined, number][] = [
      ['requests', limits.requestsPerMinute, state.requestTat],
      ['tokens', limits.tokensPerMinute, state.tokenTat],
    ]
    for (const [name, limit, tat] of families) {
      if (limit === undefined) continue
      const { remaining, resetMs } = bucket(limit, tat)
      if (usesOpenAIHeaders(route)) {
        headers[`x-ratelimit-limit-${name}`] = String(limit)
        headers[`x-ratelimit-remaining-${name}`] = String(remaining)
        headers[`x-ratelimit-reset-${name}`] = formatResetDuration(resetMs)
      } else if (usesAnthropicHeaders(route)) {
        headers[`anthropic-ratelimit-${name}-limit`] = String(limit)
        headers[`anthropic-ratelimit-${name}-remaining`] = String(remaining)
        headers[`anthropic-ratelimit-${name}-reset`] = new Date(
          Math.ceil((Date.now() + resetMs) / 1_000) * 1_000,
        )
          .toISOString()
          .replace('.000Z', 'Z')
      }
    }
    return headers
  }
}
