import { EventEmitter } from 'node:events'
import { TimeoutError } from '../errors/errors.js'

/** One call's abort signal: the caller's signals, `abort()`, and the total deadline, merged. */
export interface CallControl {
  /** An AbortSignal for the call, made on first use: most calls never need one. */
  readonly signal: AbortSignal
  /**
   * What the call's HTTP requests take as their `signal`: undici accepts an EventEmitter with
   * `aborted` and `reason`, which costs far less per call than an AbortController.
   */
  readonly requestSignal: EventEmitter
  readonly aborted: boolean
  abort(reason: unknown): void
  remainingMs(): number
  /** The error to surface: the abort reason (caller's AbortError or the total TimeoutError) once aborted. */
  translate(error: unknown): unknown
  dispose(): void
}

const maxTimer = 2 ** 31 - 1

class Control extends EventEmitter implements CallControl {
  aborted = false
  reason: unknown
  readonly #deadline: number
  #controller: AbortController | undefined
  #timer: NodeJS.Timeout | undefined
  #cleanups: Array<() => void> | undefined

  constructor(timeoutMs: number) {
    super()
    this.#deadline = performance.now() + timeoutMs
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.aborted) this.#controller.abort(this.reason)
    }
    return this.#controller.signal
  }

  get requestSignal(): EventEmitter {
    return this
  }

  abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    this.#controller?.abort(reason)
    this.emit('abort')
  }

  remainingMs(): number {
    return this.#deadline - performance.now()
  }

  translate(error: unknown): unknown {
    return this.aborted ? this.reason : error
  }

  dispose(): void {
    clearTimeout(this.#timer)
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
    this.#timer = setTimeout(
      () =>
        this.abort(
          new TimeoutError(`the call took longer than its total timeout of ${timeoutMs} ms`, {
            timeout: 'total',
            retryable: false,
          }),
        ),
      Math.min(timeoutMs, maxTimer),
    )
    this.#timer.unref?.()
  }
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
