import type { Dispatcher } from 'undici'
import { TimeoutError } from '../errors/errors.js'
import { rejectAtOnce } from './session-dispatcher.js'

type Handler = Dispatcher.DispatchHandler
type Controller = Dispatcher.DispatchController

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
  /** An interceptor for `dispatcher.compose()`. */
  readonly interceptor: Dispatcher.DispatcherComposeInterceptor
  /** Resolves once no request is in flight. */
  drained(): Promise<void>
  /** Aborts every in-flight request with `reason`; queued ones are aborted as soon as they start. */
  abortAll(reason: Error): void
}

export function createRequestTracker(options: RequestTrackerOptions): RequestTracker {
  const inFlight = new Set<TrackedHandler>()
  let waiters: Array<() => void> = []
  const counts = { requests: 0, errors: 0 }
  // Origins where a response ended during this turn of the event loop. undici waits one full turn
  // (a setImmediate) before reusing a keep-alive socket, and until then its pool counts that
  // connection as busy and opens a new one for a request sent at once: sequential calls would use
  // two sockets. A request for such an origin waits for the same turn instead, so it costs no time.
  const releasing = new Set<string>()

  const finish = (tracked: TrackedHandler, failed: boolean) => {
    if (!inFlight.delete(tracked)) return
    if (failed) counts.errors++
    else if (!releasing.has(tracked.origin)) {
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
    const tracked = new TrackedHandler(handler, finish, key)
    inFlight.add(tracked)
    if (options.timeout > 0) tracked.startTimer(options.timeout)
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
        rejectAtOnce(tracked, error as Error)
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

function origin(value: unknown): string {
  if (value instanceof URL) return value.origin
  return typeof value === 'string' ? value : 'unknown origin'
}

/** Wraps the caller's handler: passes every callback through and tells the tracker when it ends. */
class TrackedHandler implements Handler {
  #handler: Handler
  #finish: (tracked: TrackedHandler, failed: boolean) => void
  readonly origin: string
  #controller: Controller | undefined
  #pendingAbort: Error | undefined
  #timer: NodeJS.Timeout | undefined

  constructor(handler: Handler, finish: (tracked: TrackedHandler, failed: boolean) => void, origin: string) {
    this.#handler = handler
    this.#finish = finish
    this.origin = origin
  }

  startTimer(timeout: number): void {
    this.#timer = setTimeout(() => {
      this.abort(
        new TimeoutError(`request to ${this.origin} took longer than the session timeout of ${timeout} ms`, {
          timeout: 'total',
        }),
      )
    }, timeout)
    // A pending timer must not keep the process alive on its own: the socket does while it matters.
    this.#timer.unref()
  }

  abort(reason: Error): void {
    if (this.#controller === undefined) this.#pendingAbort ??= reason
    else this.#controller.abort(reason)
  }

  #end(failed: boolean): void {
    clearTimeout(this.#timer)
    this.#finish(this, failed)
  }

  onRequestStart(controller: Controller, context: unknown): void {
    this.#controller = controller
    this.#handler.onRequestStart?.(controller, context)
    if (this.#pendingAbort !== undefined && !controller.aborted) controller.abort(this.#pendingAbort)
  }

  onRequestUpgrade(controller: Controller, statusCode: number, headers: never, socket: never): void {
    this.#end(false)
    this.#handler.onRequestUpgrade?.(controller, statusCode, headers, socket)
  }

  onResponseStart(controller: Controller, statusCode: number, headers: never, statusMessage?: string): void {
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage)
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    this.#handler.onResponseData?.(controller, chunk)
  }

  onResponseEnd(controller: Controller, trailers: never): void {
    this.#end(false)
    this.#handler.onResponseEnd?.(controller, trailers)
  }

  onResponseError(controller: Controller, error: Error): void {
    this.#end(true)
    this.#handler.onResponseError?.(controller, error)
  }
}
