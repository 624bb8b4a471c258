import type { Dispatcher } from 'undici'
import { TimeoutError } from '../errors/errors.js'
import { rejectAtOnce } from './session-dispatcher.js'

type Handler = Dispatcher.DispatchHandler
type Controller = Dispatcher.DispatchController

/**
 * Where a request's signal may tell the tracker the time (`performance.now()` scale) by which its
 * caller aborts it anyway: the client's call control does, with its total timeout armed.
 */
export const callerDeadline: unique symbol = Symbol('llm-session.callerDeadline')

export interface RequestTrackerOptions {
  /** Total milliseconds per request; 0 for none. */
  timeout: number
  /** Per-request undici timeouts to set when the caller did not (used for borrowed dispatchers). */
  headersTimeout?: number | undefined
  bodyTimeout?: number | undefined
}

/**
 * Counts requests and keeps every in-flight one so that `close()` can wait for them and
 * `destroy()` can abort them, whatever dispatcher carries them (owned or borrowed).
 * Holds no reference to the session object, so an open session can still be garbage-collected.
 */
export interface RequestTracker {
  readonly requests: number
  readonly inFlight: number
  readonly errors: number
  /** Errors by their `code` (undici's `UND_ERR_*`, Node's `ECONNRESET`…), else their name. */
  readonly errorsByType: ReadonlyMap<string, number>
  /**
   * An interceptor: `interceptor(dispatch)` tracks every request sent through `dispatch`. Call it on
   * `dispatcher.dispatch` directly rather than through `compose()`, which would wrap a legacy handler
   * (as `request()` uses) in the new API and back, parsing and re-encoding the headers twice per response.
   */
  readonly interceptor: Dispatcher.DispatcherComposeInterceptor
  /** Resolves once no request is in flight. */
  drained(): Promise<void>
  /** Aborts every in-flight request with `reason`; queued ones are aborted as soon as they start. */
  abortAll(reason: Error): void
}

export function createRequestTracker(options: RequestTrackerOptions): RequestTracker {
  const inFlight = new Set<Tracked>()
  let waiters: Array<() => void> = []
  const counts = { requests: 0, errors: 0 }
  // Origins where a response ended during this turn of the event loop. undici waits one full turn
  // (a setImmediate) before reusing a keep-alive socket, and until then its pool counts that
  // connection as busy and opens a new one for a request sent at once: sequential calls would use
  // two sockets. A request for such an origin waits for the same turn instead, so it costs no time.
  const releasing = new Set<string>()

  const errorsByType = new Map<string, number>()
  const finish = (tracked: Tracked, error: Error | undefined) => {
    if (!inFlight.delete(tracked)) return
    if (error !== undefined) {
      counts.errors++
      const type = errorTypeOf(error)
      errorsByType.set(type, (errorsByType.get(type) ?? 0) + 1)
    } else if (!releasing.has(tracked.origin)) {
      releasing.add(tracked.origin)
      setImmediate(() => releasing.delete(tracked.origin))
    }
    if (inFlight.size === 0 && waiters.length > 0) {
      const done = waiters
      waiters = []
      for (const resolve of done) resolve()
    }
  }

  const interceptor: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
    counts.requests++
    const key = origin(opts.origin)
    const tracked: TrackedHandler | LegacyTrackedHandler =
      typeof handler.onRequestStart === 'function'
        ? new TrackedHandler(handler, finish, key)
        : new LegacyTrackedHandler(handler as LegacyHandler, finish, key)
    inFlight.add(tracked)
    // A caller that aborts by then already enforces the session timeout: one timer per request, not two.
    if (
      options.timeout > 0 &&
      !(deadlineOf((opts as { signal?: unknown }).signal) <= performance.now() + options.timeout)
    )
      tracked.startTimer(options.timeout)
    const withTimeouts =
      (options.headersTimeout !== undefined && opts.headersTimeout === undefined) ||
      (options.bodyTimeout !== undefined && opts.bodyTimeout === undefined)
        ? {
            ...opts,
            headersTimeout: opts.headersTimeout ?? options.headersTimeout,
            bodyTimeout: opts.bodyTimeout ?? options.bodyTimeout,
          }
        : opts
    if (!releasing.has(key)) return dispatch(withTimeouts, tracked)
    setImmediate(() => {
      try {
        dispatch(withTimeouts, tracked)
      } catch (error) {
        rejectAtOnce(tracked as Handler, error as Error)
      }
    })
    return true
  }

  return {
    get requests() {
      return counts.requests
    },
    get inFlight() {
      return inFlight.size
    },
    get errors() {
      return counts.errors
    },
    errorsByType,
    interceptor,
    drained() {
      if (inFlight.size === 0) return Promise.resolve()
      return new Promise((resolve) => waiters.push(resolve))
    },
    abortAll(reason) {
      for (const tracked of [...inFlight]) tracked.abort(reason)
    },
  }
}

function deadlineOf(signal: unknown): number {
  const deadline =
    typeof signal === 'object' && signal !== null
      ? (signal as { [callerDeadline]?: unknown })[callerDeadline]
      : undefined
  return typeof deadline === 'number' ? deadline : Number.POSITIVE_INFINITY
}

function origin(value: unknown): string {
  if (value instanceof URL) return value.origin
  return typeof value === 'string' ? value : 'unknown origin'
}

type Finish = (tracked: Tracked, error: Error | undefined) => void

/** What the tracker keeps of an in-flight request, whichever handler API its caller uses. */
interface Tracked {
  readonly origin: string
  startTimer(timeout: number): void
  abort(reason: Error): void
}

function startTotalTimer(tracked: Tracked, timeout: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    tracked.abort(
      new TimeoutError(`request to ${tracked.origin} took longer than the session timeout of ${timeout} ms`, {
        timeout: 'total',
      }),
    )
  }, timeout)
  // A pending timer must not keep the process alive on its own: the socket does while it matters.
  timer.unref()
  return timer
}

/** Wraps the caller's handler: passes every callback through and tells the tracker when it ends. */
class TrackedHandler implements Handler, Tracked {
  #handler: Handler
  #finish: Finish
  readonly origin: string
  #controller: Controller | undefined
  #pendingAbort: Error | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(handler: Handler, finish: Finish, origin: string) {
    this.#handler = handler
    this.#finish = finish
    this.origin = origin
  }

  startTimer(timeout: number): void {
    this.#timer = startTotalTimer(this, timeout)
  }

  abort(reason: Error): void {
    if (this.#controller === undefined) this.#pendingAbort ??= reason
    else this.#controller.abort(reason)
  }

  #end(error: Error | undefined): void {
    clearTimeout(this.#timer)
    this.#finish(this, error)
  }

  onRequestStart(controller: Controller, context: unknown): void {
    this.#controller = controller
    this.#handler.onRequestStart?.(controller, context)
    if (this.#pendingAbort !== undefined && !controller.aborted) controller.abort(this.#pendingAbort)
  }

  onRequestUpgrade(controller: Controller, statusCode: number, headers: never, socket: never): void {
    this.#end(undefined)
    this.#handler.onRequestUpgrade?.(controller, statusCode, headers, socket)
  }

  onResponseStart(controller: Controller, statusCode: number, headers: never, statusMessage?: string): void {
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage)
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    this.#handler.onResponseData?.(controller, chunk)
  }

  onResponseEnd(controller: Controller, trailers: never): void {
    this.#end(undefined)
    this.#handler.onResponseEnd?.(controller, trailers)
  }

  onResponseError(controller: Controller, error: Error): void {
    this.#end(error)
    this.#handler.onResponseError?.(controller, error)
  }
}

/** undici's legacy handler API, which `dispatcher.request()`, `stream()` and `pipeline()` use. */
interface LegacyHandler {
  onConnect?(abort: (reason?: Error) => void, context?: unknown): void
  onResponseStarted?(): void
  onHeaders?(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean
  onData?(chunk: Buffer): boolean
  onComplete?(trailers: unknown[] | null): void
  onError?(error: Error): void
  onUpgrade?(statusCode: number, headers: Buffer[], socket: unknown): void
  onBodySent?(chunk: unknown): void
  onRequestSent?(): void
}

/** TrackedHandler for a legacy handler: the same API passed through, so undici converts nothing. */
class LegacyTrackedHandler implements LegacyHandler, Tracked {
  #handler: LegacyHandler
  #finish: Finish
  readonly origin: string
  #abort: ((reason?: Error) => void) | undefined
  #pendingAbort: Error | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(handler: LegacyHandler, finish: Finish, origin: string) {
    this.#handler = handler
    this.#finish = finish
    this.origin = origin
  }

  startTimer(timeout: number): void {
    this.#timer = startTotalTimer(this, timeout)
  }

  abort(reason: Error): void {
    if (this.#abort === undefined) this.#pendingAbort ??= reason
    else this.#abort(reason)
  }

  #end(error: Error | undefined): void {
    clearTimeout(this.#timer)
    this.#finish(this, error)
  }

  onConnect(abort: (reason?: Error) => void, context?: unknown): void {
    let aborted = false
    this.#abort = (reason) => {
      aborted = true
      abort(reason)
    }
    this.#handler.onConnect?.(this.#abort, context)
    if (this.#pendingAbort !== undefined && !aborted) this.#abort(this.#pendingAbort)
  }

  onResponseStarted(): void {
    this.#handler.onResponseStarted?.()
  }

  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    return this.#handler.onHeaders?.(statusCode, headers, resume, statusText) ?? true
  }

  onData(chunk: Buffer): boolean {
    return this.#handler.onData?.(chunk) ?? true
  }

  onComplete(trailers: unknown[] | null): void {
    this.#end(undefined)
    this.#handler.onComplete?.(trailers)
  }

  onError(error: Error): void {
    this.#end(error)
    if (typeof this.#handler.onError !== 'function') throw error
    this.#handler.onError(error)
  }

  onUpgrade(statusCode: number, headers: Buffer[], socket: unknown): void {
    this.#end(undefined)
    this.#handler.onUpgrade?.(statusCode, headers, socket)
  }

  onBodySent(chunk: unknown): void {
    this.#handler.onBodySent?.(chunk)
  }

  onRequestSent(): void {
    this.#handler.onRequestSent?.()
  }
}

function errorTypeOf(error: Error): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : error.name || 'Error'
}
