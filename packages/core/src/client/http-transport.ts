import type { Dispatcher } from 'undici'
import { ResponseParseError } from '../errors/errors.js'
import type { ProviderHttpRequest } from '../providers/provider.js'
import { loadUndici } from '../session/load-undici.js'
import type { RequestSignal } from './call-control.js'

type Controller = Dispatcher.DispatchController

/** What a call sends a request with: its signal, the body cap, the provider (for errors). */
export interface SendOptions {
  signal: AbortSignal | RequestSignal
  /** Largest body read whole, in bytes: a JSON answer or an error's body. */
  maxBytes: number
  provider: string
  /**
   * A 2xx answer is a stream: the promise resolves at its head and the body is read with
   * `take()` / `wait()`. Otherwise (and for every non-2xx) it resolves once the body is whole, as `text`.
   */
  stream: boolean
}

/**
 * One request and its response, as undici's dispatch handler sees it (undici 7's handler API):
 * no Readable, no promise per chunk. A whole body is collected as Buffers, up to `maxBytes`, and
 * decoded once; a stream's bytes are queued for its reader, and the socket is paused through the
 * controller while the reader is behind. The handler is the response too: one object per request.
 */
export class HttpExchange implements Dispatcher.DispatchHandler {
  status = 0
  headers: Record<string, string> = noHeaders
  /** The whole body as UTF-8 (a non-stream answer, or any non-2xx); '' for a redirect. */
  text = ''

  readonly #signal: AbortSignal | RequestSignal
  readonly #maxBytes: number
  readonly #provider: string
  readonly #stream: boolean
  #controller: Controller | undefined
  /** Told once: the response (at its head for a stream, else whole) or the failure. */
  #receiver: ExchangeReceiver | undefined
  /** Collected body (whole-body mode), or queued stream bytes not yet taken. */
  #chunks: Buffer[] | undefined
  #size = 0
  #streaming = false
  #ended = false
  #error: unknown
  /** A stream reader waiting in `wait()`. */
  #waiter: { resolve(chunk: Buffer | undefined): void; reject(error: unknown): void } | undefined
  /** After a stream's terminator: the rest is read and dropped, up to a limit and a deadline. */
  #drain: { left: number; timer: NodeJS.Timeout } | undefined
  #onAbort: (() => void) | undefined

  constructor(
    signal: AbortSignal | RequestSignal,
    options: { maxBytes: number; provider: string; stream: boolean },
    receiver: ExchangeReceiver,
  ) {
    this.#signal = signal
    this.#maxBytes = options.maxBytes
    this.#provider = options.provider
    this.#stream = options.stream
    this.#receiver = receiver
  }

  /** True once the response ended or failed: nothing is left to read or release. */
  get settled(): boolean {
    return this.#ended || this.#error !== undefined
  }

  onRequestStart(controller: Controller): void {
    this.#controller = controller
    const signal = this.#signal
    if (signal.aborted) {
      controller.abort(abortReason(signal))
      return
    }
    this.#onAbort = () => this.#controller?.abort(abortReason(signal))
    if (isEmitter(signal)) signal.once('abort', this.#onAbort)
    else signal.addEventListener('abort', this.#onAbort, { once: true })
  }

  onResponseStart(
    controller: Controller,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = statusCode
    this.headers = flattenHeaders(headers)
    if (statusCode >= 300 && statusCode < 400) {
      // Redirects are not followed and their body is of no use: the socket goes at once.
      this.#settle()
      controller.abort(new Error('redirect not followed'))
      return
    }
    if (this.#stream && statusCode >= 200 && statusCode < 300) {
      this.#streaming = true
      this.#settle()
      return
    }
    const declared = Number(this.headers['content-length'])
    if (Number.isFinite(declared) && declared > this.#maxBytes) this.#fail(this.#tooLarge(), true)
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.#drain !== undefined) {
      this.#drain.left -= chunk.length
      if (this.#drain.left < 0) controller.abort(new Error('stream body too long after its end'))
      return
    }
    if (!this.#streaming) {
      this.#size += chunk.length
      if (this.#size > this.#maxBytes) this.#fail(this.#tooLarge(), true)
      else this.#queue(chunk)
      return
    }
    const waiter = this.#waiter
    if (waiter !== undefined) {
      this.#waiter = undefined
      waiter.resolve(chunk)
      return
    }
    // Streaming, #size counts the bytes queued for the reader.
    this.#size += chunk.length
    this.#queue(chunk)
    // The reader is behind: stop reading the socket until it takes what is queued.
    if (this.#size > highWaterMark && !controller.paused) controller.pause()
  }

  onResponseEnd(): void {
    this.#ended = true
    this.#cleanup()
    if (this.#drain !== undefined) clearTimeout(this.#drain.timer)
    else if (this.#streaming) {
      const waiter = this.#waiter
      this.#waiter = undefined
      waiter?.resolve(undefined)
    } else if (this.#receiver !== undefined) {
      const chunks = this.#chunks
      this.#chunks = undefined
      if (chunks !== undefined)
        this.text =
          chunks.length === 1 ? utf8.decode(chunks[0]) : utf8.decode(Buffer.concat(chunks, this.#size))
      this.#settle()
    }
  }

  onResponseError(_controller: Controller, error: Error): void {
    this.#fail(error, false)
  }

  /** A stream's next queued bytes; `undefined` when none is queued (then `wait()`), `null` at the end. */
  take(): Buffer | undefined | null {
    const chunk = this.#chunks?.shift()
    if (chunk === undefined && this.#error !== undefined) throw this.#error
    if (chunk !== undefined) {
      this.#size -= chunk.length
      if (this.#size <= highWaterMark && this.#controller?.paused === true) this.#controller.resume()
      return chunk
    }
    return this.#ended ? null : undefined
  }

  /** Waits for a stream's next bytes (after `take()` found none); `undefined` at the end. */
  wait(): Promise<Buffer | undefined> {
    if (this.#error !== undefined) return Promise.reject(this.#error)
    if (this.#ended) return Promise.resolve(undefined)
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject }
    })
  }

  /** Gives the rest of the body up: the request is aborted (the socket is closed) unless it ended. */
  destroy(error?: Error): void {
    if (this.settled) return
    const reason = error ?? new Error('response body discarded')
    this.#fail(reason, true)
  }

  /**
   * A stream's terminator was read: the reader is done, and the few bytes after it (the
   * chunked-encoding end) are read and dropped, at most `maxBytes` within `graceMs`, so the socket
   * goes back to the pool. A server that keeps sending or holds the connection past that gets it closed.
   */
  release(options: { graceMs: number; maxBytes?: number }): void {
    this.#chunks = undefined
    this.#size = 0
    if (this.settled) return
    const timer = setTimeout(() => this.destroy(), Math.max(1, options.graceMs))
    timer.unref()
    this.#drain = { left: options.maxBytes ?? 64 * 1024, timer }
    if (this.#controller?.paused === true) this.#controller.resume()
  }

  #queue(chunk: Buffer): void {
    if (this.#chunks === undefined) this.#chunks = [chunk]
    else this.#chunks.push(chunk)
  }

  #settle(): void {
    const receiver = this.#receiver
    this.#receiver = undefined
    receiver?.onAnswer(this)
  }

  #fail(error: unknown, abort: boolean): void {
    if (this.settled) return
    this.#error = error
    this.#cleanup()
    if (this.#drain !== undefined) clearTimeout(this.#drain.timer)
    const receiver = this.#receiver
    this.#receiver = undefined
    receiver?.onFailure(error)
    const waiter = this.#waiter
    this.#waiter = undefined
    waiter?.reject(error)
    if (abort && this.#controller !== undefined && !this.#controller.aborted)
      this.#controller.abort(error as Error)
  }

  #cleanup(): void {
    if (this.#onAbort === undefined) return
    const signal = this.#signal
    if (isEmitter(signal)) signal.removeListener('abort', this.#onAbort)
    else signal.removeEventListener('abort', this.#onAbort)
    this.#onAbort = undefined
  }

  // undici's legacy handler API, for a borrowed dispatcher that speaks only it (undici 6, a
  // hand-written Dispatcher). undici 7 sees onRequestStart and uses the methods above instead.

  onConnect(abort: (reason?: Error) => void): void {
    this.onRequestStart(new LegacyController(abort))
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[], resume: () => void): boolean {
    const controller = this.#controller as LegacyController
    controller.resumeSocket = resume
    // Parsed as undici 7 parses them for its own handler API.
    this.onResponseStart(controller, statusCode, loadUndici().util.parseHeaders(rawHeaders))
    return !controller.paused
  }

  onData(chunk: Buffer): boolean {
    this.onResponseData(this.#controller!, chunk)
    return !this.#controller!.paused
  }

  onComplete(): void {
    this.onResponseEnd()
  }

  onError(error: Error): void {
    this.onResponseError(this.#controller!, error)
  }

  #tooLarge(): ResponseParseError {
    return new ResponseParseError(`${this.#provider} sent a response larger than ${this.#maxBytes} bytes`, {
      provider: this.#provider,
      status: this.status,
      requestId: requestIdOf(this.headers),
    })
  }
}

export type HttpResponse = HttpExchange

/** Who hears how an exchange went: a promise's resolvers, or a call's own continuation. */
export interface ExchangeReceiver {
  onAnswer(response: HttpExchange): void
  onFailure(error: unknown): void
}

/** The controller undici 7 gives a handler, for a dispatcher of the legacy API. */
class LegacyController implements Controller {
  paused = false
  aborted = false
  reason: Error | null = null
  resumeSocket: (() => void) | undefined
  readonly #abort: (reason?: Error) => void

  constructor(abort: (reason?: Error) => void) {
    this.#abort = abort
  }

  pause(): void {
    this.paused = true
  }

  resume(): void {
    if (!this.paused) return
    this.paused = false
    this.resumeSocket?.()
  }

  abort(reason: Error): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    this.#abort(reason)
  }
}

/** Bytes a stream queues for a slow reader before the socket is paused (a Readable's default). */
const highWaterMark = 64 * 1024

const utf8 = new TextDecoder('utf-8')

/** Headers of an exchange before its response: one shared empty object. */
const noHeaders: Record<string, string> = Object.freeze({}) as Record<string, string>

/** The client's own call signal (EventEmitter-style, cheaper per call) or a caller's AbortSignal. */
function isEmitter(signal: AbortSignal | RequestSignal): signal is RequestSignal {
  return typeof (signal as RequestSignal).once === 'function'
}

function abortReason(signal: AbortSignal | RequestSignal): Error {
  return (signal.reason as Error | undefined) ?? new DOMException('This operation was aborted', 'AbortError')
}

/** Lower-cased single-string headers. */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  // undici gives a fresh object with lower-case names and string values, but for repeated headers:
  // keep it when it is so, rather than copying it on every call.
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
 * Sends one request through the call's dispatcher with `dispatch()`, following no redirect
 * (credentials must not travel to another host). Resolves with the exchange: at the head for a
 * 2xx stream, else once the body is whole (bounded by `maxBytes`).
 */
export function sendHttp(
  dispatcher: Dispatcher,
  request: ProviderHttpRequest,
  options: SendOptions,
): Promise<HttpExchange> {
  return new Promise((resolve, reject) =>
    dispatchHttp(dispatcher, request, options, { onAnswer: resolve, onFailure: reject }),
  )
}

/**
 * sendHttp without a promise: `receiver` is told the outcome, once, possibly before this returns
 * (an aborted signal, a dispatcher that fails at once). Never throws.
 */
export function dispatchHttp(
  dispatcher: Dispatcher,
  request: ProviderHttpRequest,
  options: SendOptions,
  receiver: ExchangeReceiver,
): void {
  const signal = options.signal
  // Aborted already: no request at all, so no socket is opened for it.
  if (signal.aborted) {
    receiver.onFailure(abortReason(signal))
    return
  }
  const exchange = new HttpExchange(signal, options, receiver)
  try {
    const url = parseUrl(request.url)
    const dispatchOptions = {
      origin: url.origin,
      path: url.path,
      method: request.method,
      headers: request.headers,
      body: request.body,
      // Not read by undici's dispatch: the session's tracker reads the call's deadline from it.
      signal,
      maxRedirections: 0,
    } as Dispatcher.DispatchOptions
    dispatcher.dispatch(dispatchOptions, exchange)
  } catch (error) {
    exchange.onResponseError(undefined as never, error as Error)
  }
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
