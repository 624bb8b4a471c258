/** Retry rules as openai-node and anthropic-sdk-typescript apply them (wire-formats §1). */

const maxHeaderWaitMs = 60_000

/**
 * The wait a response asks for: `retry-after-ms` (float ms), else `retry-after` (seconds or an HTTP
 * date). Undefined when missing, negative, not finite or over 60 s.
 * @example
 * parseRetryAfterHeaders({ 'retry-after': '2' }) // 2000
 */
export function parseRetryAfterHeaders(
  headers: Record<string, string>,
  now = Date.now(),
): number | undefined {
  let waitMs: number | undefined
  const ms = headers['retry-after-ms']
  if (ms !== undefined && ms.trim() !== '') waitMs = Number(ms)
  const after = headers['retry-after']
  if ((waitMs === undefined || !Number.isFinite(waitMs)) && after !== undefined && after.trim() !== '') {
    const seconds = Number(after)
    waitMs = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - now
  }
  if (waitMs === undefined || !Number.isFinite(waitMs) || waitMs < 0 || waitMs > maxHeaderWaitMs)
    return undefined
  return waitMs
}

/** `x-should-retry: true|false` overrides every other rule. */
export function shouldRetryHeader(headers: Record<string, string> | undefined): boolean | undefined {
  const value = headers?.['x-should-retry']
  if (value === 'true') return true
  if (value === 'false') return false
  return undefined
}

/**
 * Wait before retry number `retry` (0-based): the provider's wish when valid, else
 * `min(0.5·2^n, 8) s × (1 − rand·0.25)`.
 */
export function retryDelayMs(retry: number, requestedMs: number | undefined, random: () => number): number {
  if (
    requestedMs !== undefined &&
    Number.isFinite(requestedMs) &&
    requestedMs >= 0 &&
    requestedMs <= maxHeaderWaitMs
  )
    return requestedMs
  const base = Math.min(0.5 * 2 ** retry, 8) * 1000
  return base * (1 - random() * 0.25)
}
