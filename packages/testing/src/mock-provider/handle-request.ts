import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http'
import type { MockTokenStore } from '../providers/token-endpoint.js'
import { MockAbortError, type MockExchange } from './mock-exchange.js'
import { type MockFault, selectMockFault } from './mock-fault.js'
import type { ResolvedMockProviderOptions } from './mock-provider-options.js'
import type { MockRateLimiter } from './mock-rate-limits.js'
import type { MockStatsRecorder } from './mock-stats.js'
import type { MockErrorResponse, MockWireFormat } from './mock-wire-format.js'
import { cut, stall, wait } from './response-writer.js'
import { routeRequest } from './route-request.js'
import { sendJson } from './send-response.js'

/** One request as the mock saw it. Credentials are never recorded, only which header carried them. */
export interface MockRecordedRequest {
  sequence: number
  /** When the request arrived: Unix time in ms, with a fraction (comparable with Redis's `TIME`). */
  receivedAt: number
  /** e.g. `openai.chat.stream`, `anthropic.messages`, `vertex.generateContent`, `unknown`. */
  route: string
  method: string
  /** Path and query (a `key=` query parameter is redacted). */
  path: string
  /** Request headers, with credential values replaced by `[redacted]`. */
  headers: IncomingHttpHeaders
  /** Which header carried the credential: `authorization`, `api-key`, `x-api-key`, `x-goog-api-key`, `query-key`. */
  authHeader: string | undefined
  model: string
  stream: boolean
  /** The injected fault, e.g. `fail-429`, or undefined. */
  fault: string | undefined
  body: unknown
  remotePort: number | undefined
}

export interface MockServerState {
  options: ResolvedMockProviderOptions
  stats: MockStatsRecorder
  tokens: MockTokenStore
  history: MockRecordedRequest[]
  failCounts: Map<string, number>
  exchanges: Set<AbortController>
  rateLimiter: MockRateLimiter
  closing: boolean
  sequence: number
}

const secretHeaders = [
  'authorization',
  'api-key',
  'x-api-key',
  'x-goog-api-key',
  'proxy-authorization',
  'cookie',
  'x-amz-security-token',
]
const maxBodyBytes = 32 * 1024 * 1024

function detectAuthHeader(headers: IncomingHttpHeaders, url: URL, candidates: string[]): string | undefined {
  for (const name of [...candidates, ...secretHeaders.slice(0, 4)]) {
    if (name === 'query-key' ? url.searchParams.has('key') : headers[name]) return name
  }
  return url.searchParams.has('key') ? 'query-key' : undefined
}

function redact(headers: IncomingHttpHeaders, url: URL): { headers: IncomingHttpHeaders; path: string } {
  const copy = { ...headers }
  for (const name of secretHeaders) if (copy[name] !== undefined) copy[name] = '[redacted]'
  const clean = new URL(url)
  if (clean.searchParams.has('key')) clean.searchParams.set('key', '[redacted]')
  return { headers: copy, path: `${clean.pathname}${clean.search}` }
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBodyBytes) return undefined
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

function parseBody(raw: Buffer, form: boolean | undefined): Record<string, unknown> | undefined {
  if (form) return Object.fromEntries(new URLSearchParams(raw.toString('utf8')))
  if (raw.length === 0) return {}
  try {
    const value = JSON.parse(raw.toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined
  } catch {
    return undefined
  }
}

function retryHeaders(fault: MockFault): Record<string, string> {
  const headers: Record<string, string> = {}
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds)
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs)
  if (fault.shouldRetry !== undefined) headers['x-should-retry'] = String(fault.shouldRetry)
  return headers
}

function sendError(exchange: MockExchange, response: MockErrorResponse, extra: Record<string, string> = {}) {
  return sendJson(exchange, response.status, response.body, { ...response.headers, ...extra })
}

/** Applies the faults that replace the answer; body and stream faults travel on `exchange.fault`. */
async function answer(exchange: MockExchange, format: MockWireFormat): Promise<void> {
  const fault = exchange.fault
  if (fault?.name === 'fail') {
    const status = fault.status as number
    const message =
      status === 529 ? 'Overloaded' : `${STATUS_CODES[status] ?? 'Error'} (mock fault ${fault.text})`
    return sendError(exchange, format.error(exchange, status, message), retryHeaders(fault))
  }
  if (fault?.name === 'reset') {
    await wait(exchange, exchange.options.latencyMs)
    return cut(exchange)
  }
  if (fault?.name === 'stall') return stall(exchange)
  return format.handle(exchange)
}

export async function handleRequest(
  state: MockServerState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { stats, options } = state
  const controller = new AbortController()
  state.exchanges.add(controller)
  const receivedAt = performance.timeOrigin + performance.now()
  stats.increment('requests')
  const url = new URL(req.url ?? '/', 'http://mock.invalid')
  const exchange: MockExchange = {
    req,
    res,
    url,
    route: 'unknown',
    body: {},
    rawBody: Buffer.alloc(0),
    model: '',
    stream: false,
    fault: undefined,
    signal: controller.signal,
    options,
    stats,
    tokens: state.tokens,
    sequence: ++state.sequence,
    cutByMock: false,
  }
  res.once('finish', () => stats.increment('responses'))
  res.once('close', () => {
    state.exchanges.delete(controller)
    if (!res.writableFinished && !exchange.cutByMock && !state.closing) stats.increment('aborted')
    controller.abort()
  })
  try {
    const matched = routeRequest(url.pathname)
    if (req.method === 'GET' && url.pathname === '/health') {
      exchange.route = 'health'
      return await sendJson(exchange, 200, { status: 'ok' })
    }
    const raw = await readBody(req)
    const format = matched?.format
    const parsed = raw && matched ? parseBody(raw, matched.form) : undefined
    exchange.body = parsed ?? {}
    if (raw) exchange.rawBody = raw
    exchange.model =
      matched?.modelFromUrl ?? (typeof exchange.body.model === 'string' ? exchange.body.model : '')
    exchange.stream = matched?.streams(exchange.body) ?? false
    exchange.route = matched
      ? `${matched.route}${exchange.stream && !matched.route.startsWith('gemini') && !matched.route.startsWith('vertex') ? '.stream' : ''}`
      : 'unknown'
    const authHeader = detectAuthHeader(
      req.headers,
      url,
      matched?.format.credentialHeaders(matched.route) ?? [],
    )
    const selection = matched
      ? selectMockFault(req.headers, exchange.model, matched.route, options.fault)
      : { fault: undefined }
    if ('fault' in selection && selection.fault) {
      const { fault } = selection
      const used = state.failCounts.get(fault.key) ?? 0
      if (fault.times === undefined || used < fault.times) {
        state.failCounts.set(fault.key, used + 1)
        exchange.fault = fault
      }
    }
    const redacted = redact(req.headers, url)
    const recordedBody = matched?.form
      ? { ...exchange.body, assertion: exchange.body.assertion ? '[redacted]' : undefined }
      : exchange.body
    state.history.push({
      sequence: exchange.sequence,
      receivedAt,
      route: exchange.route,
      method: req.method ?? 'GET',
      path: redacted.path,
      headers: redacted.headers,
      authHeader,
      model: exchange.model,
      stream: exchange.stream,
      fault: exchange.fault?.text,
      body: recordedBody,
      remotePort: req.socket.remotePort,
    })
    if (state.history.length > options.historySize) state.history.shift()
    stats.count('byRoute', exchange.route)
    if (exchange.route === 'oauth.token') stats.increment('tokenRequests')

    if (!matched || !format) {
      const body = {
        error: {
          message: `Unknown route ${req.method} ${url.pathname}`,
          type: 'invalid_request_error',
          param: null,
          code: 'unknown_url',
        },
      }
      return await sendJson(exchange, 404, body)
    }
    if (req.method !== 'POST')
      return await sendError(exchange, format.error(exchange, 405, `Method ${req.method} not allowed`))
    if (!raw) return await sendError(exchange, format.error(exchange, 413, 'Request body too large'))
    if (parsed === undefined) {
      return await sendError(exchange, format.error(exchange, 400, 'Request body is not valid JSON'))
    }
    if ('invalid' in selection) {
      return await sendError(
        exchange,
        format.error(exchange, 400, `Unknown mock fault "${selection.invalid}"`),
      )
    }
    const authFailure = await format.authenticate(exchange, authHeader)
    if (authFailure) return await sendError(exchange, authFailure)
    if (matched.route.startsWith('azure.') && !url.searchParams.has('api-version')) {
      return await sendJson(exchange, 404, { error: { code: '404', message: 'Resource not found' } })
    }
    const limits = options.rateLimits
    if (limits !== undefined && authHeader !== undefined) {
      const key =
        authHeader === 'query-key' ? (url.searchParams.get('key') ?? '') : String(req.headers[authHeader])
      const refusal = state.rateLimiter.admit(exchange, key, limits)
      if (refusal !== undefined) {
        stats.increment('rateLimited')
        return await sendError(exchange, format.error(exchange, 429, refusal.message), refusal.headers)
      }
    }
    if (exchange.fault) {
      stats.increment('faults')
      stats.count('byFault', exchange.fault.text)
    }
    await answer(exchange, format)
  } catch (error) {
    if (error instanceof MockAbortError || controller.signal.aborted) return
    if (!res.headersSent) {
      const message = error instanceof Error ? error.message : String(error)
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message } }))
    } else res.destroy()
  }
}
