import { TimeoutError } from '../errors/errors.js'

/** The clocks of one stream body, started when its response arrived. */
export interface StreamBodyTimers {
  /** A network read arrived: the idle clock stops while the reader handles it. */
  received(): void
  /** The reader waits for the next read: the idle clock starts again from now. */
  waiting(): void
  /** True once the idle clock ended the body. */
  readonly idled: boolean
  clear(): void
}

/**
 * Ends a stream body with a `TimeoutError` on silence (`idle`: one timer per stream, restarted per
 * network read, counting only while waiting for data, so time the reader spends between reads does
 * not count) and, optionally, on total length (`stream`, from the response to the end).
 * @example
 * const timers = createStreamBodyTimers(body, { idleTimeout: 120_000, streamTimeout: undefined })
 * for (let bytes; (bytes = await next()) != null; ) { timers.received(); handle(bytes); timers.waiting() }
 * timers.clear()
 */
export function createStreamBodyTimers(
  body: { destroy(error: Error): void },
  options: { idleTimeout: number; streamTimeout: number | undefined },
): StreamBodyTimers {
  let waiting = true
  let idled = false
  const idleTimer = setTimeout(() => {
    if (!waiting) return
    idled = true
    body.destroy(
      new TimeoutError(`no stream data for ${options.idleTimeout} ms`, { timeout: 'idle', retryable: false }),
    )
  }, options.idleTimeout)
  const streamTimer =
    options.streamTimeout === undefined
      ? undefined
      : setTimeout(() => {
          body.destroy(
            new TimeoutError(`the stream took longer than its streamTimeout of ${options.streamTimeout} ms`, {
              timeout: 'stream',
              retryable: false,
            }),
          )
        }, options.streamTimeout)
  return {
    received() {
      waiting = false
    },
    waiting() {
      waiting = true
      idleTimer.refresh()
    },
    get idled() {
      return idled
    },
    clear() {
      clearTimeout(idleTimer)
      clearTimeout(streamTimer)
    },
  }
}
