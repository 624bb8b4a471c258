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
  // Since when the body waits for data. A read does not touch the timer (a refresh per read costs
  // a clock read and a timer list insertion): the timer checks on firing and waits on for the rest.
  let since = performance.now()
  const onIdle = () => {
    // While the reader handles a read, the clock does not run: look again a whole timeout later.
    const left = waiting ? options.idleTimeout - (performance.now() - since) : options.idleTimeout
    // Timers may fire up to a millisecond early.
    if (left > 1) {
      idleTimer = setTimeout(onIdle, left)
      return
    }
    idled = true
    body.destroy(
      new TimeoutError(`no stream data for ${options.idleTimeout} ms`, { timeout: 'idle', retryable: false }),
    )
  }
  let idleTimer = setTimeout(onIdle, options.idleTimeout)
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
      since = performance.now()
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
