import { TimeoutError } from '../errors/errors.js'
import { callerDeadline } from '../session/request-tracker.js'

/**
 * The smallest request signal undici accepts: `aborted`, `reason`, and EventEmitter-style
 * `on`/`once`/`removeListener` for `'abort'` (undici documents an EventEmitter as a signal).
 */
export interface RequestSignal {
  readonly aborted: boolean
  readonly reason: unknown
  on(event: 'abort', listener: () => void): this
  once(event: 'abort', listener: () => void): this
  removeListener(event: 'abort', listener: () => void): this
}

/** One call's abort signal: the caller's signals, `abort()`, and the total deadline, merged. */
export interface CallControl {
  /** An AbortSignal for the call, made on first use: most calls never need one. */
  readonly signal: AbortSignal
  /** What the call's HTTP requests take as their `signal`: far cheaper per call than an AbortController. */
  readonly requestSignal: RequestSignal
  readonly aborted: boolean
  abort(reason: unknown): void
  remainingMs(): number
  /**
   * Stops the total timer: a stream's response arrived, and from then on its idle (and optional
   * stream) timeout rule, as in openai-node and the Anthropic SDK. Caller signals still abort.
   */
  stopTotalTimer(): void
  /** The error to surface: the abort reason (caller's AbortError or the total TimeoutError) once aborted. */
  translate(error: unknown): unknown
  dispose(): void
}

const maxTimer = 2 ** 31 - 1

class Control implements CallControl, RequestSignal {
  aborted = false
  reason: unknown
  readonly #deadline: number
  #controller: AbortController | undefined
  #timer: NodeJS.Timeout | undefined
  #cleanups: Array<() => void> | undefined
  #listeners: Array<() => void> | undefined

  constructor(timeoutMs: number) {
    this.#deadline = performance.now() + timeoutMs
  }

  // 'abort' happens once, so on() and once() are the same; listeners are dropped when it happens.
  on(event: 'abort', listener: () => void): this {
    if (event !== 'abort') return this
    if (this.#listeners === undefined) this.#listeners = []
    this.#listeners.push(listener)
    return this
  }

  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener)
  }

  removeListener(event: 'abort', listener: () => void): this {
    const index = event === 'abort' && this.#listeners !== undefined ? this.#listeners.indexOf(listener) : -1
    if (index !== -1) this.#listeners!.splice(index, 1)
    return this
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.aborted) this.#controller.abort(this.reason)
    }
    return this.#controller.signal
  }

  /** Read by the session's request tracker: no second total timer for a request this call aborts first. */
  get [callerDeadline](): number {
    return this.#timer === undefined ? Number.POSITIVE_INFINITY : this.#deadline
  }

  get requestSignal(): RequestSignal {
    return this
  }

  abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    this.#controller?.abort(reason)
    const listeners = this.#listeners
    this.#listeners = undefined
    if (listeners !== undefined) for (const listener of listeners) listener()
  }

  remainingMs(): number {
    return this.#deadline - performance.now()
  }

  translate(error: unknown): unknown {
    return this.aborted ? this.reason : error
  }

  stopTotalTimer(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  dispose(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const cleanups = this.#cleanups
    this.#cleanups = undefined
    if (cleanups !== undefined) for (const cleanup of cleanups) cleanup()
  }

  follow(signals: readonly AbortSignal[]): void {
    for (const signal of signals) {
      const onAbort = () =>
        this.abort(signal.reason ?? new DOMException('This operation was aborted', 'AbortError'))
      if (signal.aborted) {
        onAbort()
        break
      }
      signal.addEventListener('abort', onAbort, { once: true })
      if (this.#cleanups === undefined) this.#cleanups = []
      this.#cleanups.push(() => signal.removeEventListener('abort', onAbort))
    }
  }

  startTimer(timeoutMs: number): void {
    // The control and the timeout as the timer's arguments: no closure per call.
    this.#timer = setTimeout(onTotalTimeout, Math.min(timeoutMs, maxTimer), this, timeoutMs)
    this.#timer.unref?.()
  }
}

function onTotalTimeout(control: Control, timeoutMs: number): void {
  control.abort(
    new TimeoutError(`the call took longer than its total timeout of ${timeoutMs} ms`, {
      timeout: 'total',
      retryable: false,
    }),
  )
}

/**
 * @example
 * const control = createCallControl(600_000, [request.signal])
 * try { await work(control.signal) } catch (e) { throw control.translate(e) } finally { control.dispose() }
 */
export function createCallControl(timeoutMs: number, signals: readonly AbortSignal[]): CallControl {
  const control = new Control(timeoutMs)
  if (signals.length > 0) control.follow(signals)
  control.startTimer(timeoutMs)
  return control
}
