import type { IncomingHttpHeaders } from 'node:http'

/** Every fault the mock can inject. See the README's Faults table. */
export type MockFaultName =
  | 'fail'
  | 'reset'
  | 'reset-mid-stream'
  | 'stall'
  | 'stall-mid-stream'
  | 'malformed-json'
  | 'truncated-stream'
  | 'stream-error'
  | 'oversized'

export interface MockFault {
  name: MockFaultName
  /** The fault as asked for, e.g. `fail-429-retry-after-1`. */
  text: string
  /** For `fail`: the HTTP status. */
  status?: number
  retryAfterSeconds?: number
  retryAfterMs?: number
  /** Sends `x-should-retry: true|false`. */
  shouldRetry?: boolean
  /** Only the first `times` requests with the same key fail; later ones succeed. */
  times?: number
  /** Correlates `times` across requests (header `x-mock-fault-id`, else the fault text and route). */
  key: string
  /** For `oversized`: body size in bytes. */
  size?: number
}

const simpleFaults = new Set<MockFaultName>([
  'reset',
  'reset-mid-stream',
  'stall',
  'stall-mid-stream',
  'malformed-json',
  'truncated-stream',
  'stream-error',
  'oversized',
])

const failPattern =
  /^fail-(\d{3})(?:-retry-after-ms-(\d+)|-retry-after-(\d+(?:\.\d+)?))?(?:-(should-retry|no-retry))?$/

/**
 * Parses a fault name such as `fail-429-retry-after-1-times-2` or `reset-mid-stream`.
 * Returns undefined when the text is not a fault.
 */
export function parseMockFault(text: string): Omit<MockFault, 'key' | 'text'> | undefined {
  const timesMatch = /^(.*)-times-(\d+)$/.exec(text)
  const base = timesMatch ? (timesMatch[1] as string) : text
  const times = timesMatch ? Number(timesMatch[2]) : undefined
  if (simpleFaults.has(base as MockFaultName)) return { name: base as MockFaultName, times }
  const fail = failPattern.exec(base)
  if (!fail) return undefined
  const status = Number(fail[1])
  if (status < 400 || status > 599) return undefined
  return {
    name: 'fail',
    status,
    times,
    retryAfterMs: fail[2] === undefined ? undefined : Number(fail[2]),
    retryAfterSeconds: fail[3] === undefined ? undefined : Number(fail[3]),
    shouldRetry: fail[4] === undefined ? undefined : fail[4] === 'should-retry',
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

function number(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined
}

export type FaultSelection = { fault: MockFault } | { fault: undefined } | { invalid: string }

/**
 * Picks the fault for one request: the `x-mock-fault` header wins over a `mock-<fault>` model
 * name. `x-mock-fail-times` without a fault name means `fail-503`; with none of these, the
 * provider's `fault` option (if set) applies.
 */
export function selectMockFault(
  headers: IncomingHttpHeaders,
  model: string,
  route: string,
  defaultFault?: string,
): FaultSelection {
  const headerFault = header(headers, 'x-mock-fault')
  const failTimes = number(header(headers, 'x-mock-fail-times'))
  let text = headerFault
  if (text === undefined && model.startsWith('mock-') && parseMockFault(model.slice(5))) text = model.slice(5)
  if (text === undefined && failTimes !== undefined) text = 'fail-503'
  text ??= defaultFault
  if (text === undefined) return { fault: undefined }
  const parsed = parseMockFault(text)
  if (!parsed) return { invalid: text }
  const fault: MockFault = { ...parsed, text, key: header(headers, 'x-mock-fault-id') ?? `${route}:${text}` }
  if (failTimes !== undefined) fault.times = failTimes
  const retryAfter = number(header(headers, 'x-mock-retry-after'))
  if (retryAfter !== undefined) fault.retryAfterSeconds = retryAfter
  const retryAfterMs = number(header(headers, 'x-mock-retry-after-ms'))
  if (retryAfterMs !== undefined) fault.retryAfterMs = retryAfterMs
  const shouldRetry = header(headers, 'x-mock-should-retry')
  if (shouldRetry === 'true' || shouldRetry === 'false') fault.shouldRetry = shouldRetry === 'true'
  const size = number(header(headers, 'x-mock-size'))
  if (size !== undefined) fault.size = Math.floor(size)
  return { fault }
}
