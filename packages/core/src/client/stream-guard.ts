import { ResponseParseError, TimeoutError } from '../errors/errors.js'

/** Limits one stream puts on what it reads and on how long it waits for its reader. */
export interface StreamGuard {
  /** Counts bytes read from the network; throws a `ResponseParseError` past `maxBytes`. */
  count(bytes: number): void
  /** A batch went to the reader: the reader clock runs until `resumed()`. */
  handedOut(): void
  resumed(): void
  dispose(): void
}

/**
 * The whole-stream byte cap and the reader clock. A stream whose reader stops asking for chunks
 * (a browser that does not read, a route that forgot the stream) would hold its socket until the
 * provider finishes; after `readerTimeout` ms `onStall` aborts it, so the socket goes back.
 * @example
 * const guard = createStreamGuard({ provider: 'openai', maxBytes, readerTimeout, onStall: (e) => control.abort(e) })
 */
export function createStreamGuard(options: {
  provider: string
  maxBytes: number
  readerTimeout: number
  onStall(error: TimeoutError): void
}): StreamGuard {
  let total = 0
  let timer: NodeJS.Timeout | undefined
  let waiting = false
  // Since when the reader has a batch it has not come back from. Handing a batch out does not touch
  // the timer (no refresh per batch): the timer checks on firing and waits on for the rest.
  let since = 0
  const onTimer = () => {
    const left = waiting ? options.readerTimeout - (performance.now() - since) : options.readerTimeout
    if (left > 1) {
      timer = setTimeout(onTimer, left)
      timer.unref?.()
      return
    }
    options.onStall(
      new TimeoutError(`the stream's reader asked for no chunk for ${options.readerTimeout} ms`, {
        timeout: 'reader',
        retryable: false,
      }),
    )
  }
  return {
    count(bytes) {
      total += bytes
      if (total > options.maxBytes)
        throw new ResponseParseError(
          `${options.provider} stream is larger than maxStreamBytes (${options.maxBytes} bytes)`,
          { provider: options.provider },
        )
    },
    handedOut() {
      waiting = true
      since = performance.now()
      if (timer !== undefined) return
      // One timer per stream; it does nothing but look again if it ends while the stream waits on the network.
      timer = setTimeout(onTimer, options.readerTimeout)
      timer.unref?.()
    },
    resumed() {
      waiting = false
    },
    dispose() {
      clearTimeout(timer)
    },
  }
}
