import { TimeoutError } from '../errors/errors.js'

/** One call's abort signal: the caller's signals, `abort()`, and the total deadline, merged. */
export interface CallControl {
  readonly signal: AbortSignal
  abort(reason: unknown): void
  remainingMs(): number
  /** The error to surface: the abort reason (caller's AbortError or the total TimeoutError) once aborted. */
  translate(error: unknown): unknown
  dispose(): void
}

const maxTimer = 2 ** 31 - 1

/**
 * @example
 * const control = createCallControl(600_000, [request.signal])
 * try { await work(control.signal) } catch (e) { throw control.translate(e) } finally { control.dispose() }
 */
export function createCallControl(timeoutMs: number, signals: AbortSignal[]): CallControl {
  const controller = new AbortController()
  const deadline = performance.now() + timeoutMs
  const cleanups: Array<() => void> = []
  for (const signal of signals) {
    const onAbort = () =>
      controller.abort(signal.reason ?? new DOMException('This operation was aborted', 'AbortError'))
    if (signal.aborted) {
      onAbort()
      break
    }
    signal.addEventListener('abort', onAbort, { once: true })
    cleanups.push(() => signal.removeEventListener('abort', onAbort))
  }
  const timer = setTimeout(
    () =>
      controller.abort(
        new TimeoutError(`the call took longer than its total timeout of ${timeoutMs} ms`, {
          timeout: 'total',
          retryable: false,
        }),
      ),
    Math.min(timeoutMs, maxTimer),
  )
  timer.unref?.()
  cleanups.push(() => clearTimeout(timer))
  return {
    signal: controller.signal,
    abort(reason) {
      controller.abort(reason)
    },
    remainingMs() {
      return deadline - performance.now()
    },
    translate(error) {
      return controller.signal.aborted ? controller.signal.reason : error
    },
    dispose() {
      for (const cleanup of cleanups.splice(0)) cleanup()
    },
  }
}
