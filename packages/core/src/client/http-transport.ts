import type { Dispatcher } from 'undici'
import { ResponseParseError } from '../errors/errors.js'
import type { ProviderHttpRequest } from '../providers/provider.js'
import type { RequestSignal } from './call-control.js'

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: Dispatcher.ResponseData['body']
}

/** Lower-cased single-string headers. */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  // undici's request() already gives a fresh object with lower-case names and string values, but
  // for repeated headers: keep it when it is so, rather than copying it on every call.
  for (const name in headers)
    if (typeof headers[name] !== 'string' || name !== name.toLowerCase()) return copyHeaders(headers)
  return headers as Record<string, string>
}

function copyHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  return out
}

/** Origin and path of the URLs calls go to, parsed once: a client calls the same few URLs. */
const parsedUrls = new Map<string, { origin: string; path: string }>()

function parseUrl(href: string): { origin: string; path: string } {
  let parsed = parsedUrls.get(href)
  if (parsed === undefined) {
    const url = new URL(href)
    parsed = { origin: url.origin, path: `${url.pathname}${url.search}` }
    // Bounded: URLs with per-call parts (query strings) must not grow it without end.
    if (parsedUrls.size >= 256) parsedUrls.clear()
    parsedUrls.set(href, parsed)
  }
  return parsed
}

/**
 * Sends one request through the call's dispatcher, following no redirect (credentials must not travel
 * to another host), with the body as a string and the call's signal.
 */
export function sendHttp(
  dispatcher: Dispatcher,
  request: ProviderHttpRequest,
  signal: AbortSignal | RequestSignal,
): Promise<HttpResponse> {
  // Not an async function: one promise less per call. Every failure is still a rejection.
  // Aborted already: no request at all, so no socket is opened for it.
  if (signal.aborted)
    return Promise.reject(signal.reason ?? new DOMException('This operation was aborted', 'AbortError'))
  try {
    const url = parseUrl(request.url)
    const options = {
      origin: url.origin,
      path: url.path,
      method: request.method,
      headers: request.headers,
      // undici takes an EventEmitter-like signal; RequestSignal is the part of one it uses.
      signal: signal as Dispatcher.RequestOptions['signal'],
      maxRedirections: 0,
    } as Dispatcher.RequestOptions
    if (request.body !== undefined) options.body = request.body
    return dispatcher.request(options).then(toHttpResponse)
  } catch (error) {
    return Promise.reject(error)
  }
}

function toHttpResponse(response: Dispatcher.ResponseData): HttpResponse {
  return { status: response.statusCode, headers: flattenHeaders(response.headers), body: response.body }
}

/** Releases a body now (the socket is not reused unless the body had ended); its error is not raised. */
export function discardBody(body: HttpResponse['body']): void {
  body.on('error', () => {}).destroy()
}

/** Reads a whole body as UTF-8, refusing more than `maxBytes` (the socket is released at once). */
export function readBodyText(
  response: HttpResponse,
  maxBytes: number,
  context: { provider: string; requestId: string | undefined },
): Promise<string> {
  const declared = Number(response.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) {
    discardBody(response.body)
    return Promise.reject(tooLargeError(response, maxBytes, context))
  }
  // A known length within the cap: undici collects the body itself, without an async iterator.
  if (Number.isFinite(declared) && declared >= 0 && typeof response.body.text === 'function')
    return response.body.text()
  return readCapped(response, maxBytes, context)
}

function tooLargeError(
  response: HttpResponse,
  maxBytes: number,
  context: { provider: string; requestId: string | undefined },
): ResponseParseError {
  return new ResponseParseError(`${context.provider} sent a response larger than ${maxBytes} bytes`, {
    provider: context.provider,
    status: response.status,
    requestId: context.requestId,
  })
}

async function readCapped(
  response: HttpResponse,
  maxBytes: number,
  context: { provider: string; requestId: string | undefined },
): Promise<string> {
  const tooLarge = () => tooLargeError(response, maxBytes, context)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length
    if (size > maxBytes) {
      discardBody(response.body)
      throw tooLarge()
    }
    chunks.push(chunk as Buffer)
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks, size))
}

/** The provider's request id header, whichever the provider uses. */
export function requestIdOf(headers: Record<string, string>): string | undefined {
  return (
    headers['x-request-id'] ??
    headers['request-id'] ??
    headers['apim-request-id'] ??
    headers['x-amzn-requestid']
  )
}

/** Rate-limit headers as sent. */
export function rateLimitHeadersOf(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers))
    if (/^(x-ratelimit-|anthropic-ratelimit-|ratelimit-|x-ratelimit$)/.test(name)) out[name] = value
  return out
}
