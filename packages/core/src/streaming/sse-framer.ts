import { createParser } from 'eventsource-parser'
import type { StreamEvent } from '../providers/provider.js'

/** Turns decoded text into framed events. `push` returns the events completed by the text. */
export interface StreamFramer {
  push(text: string): StreamEvent[]
  /** Flushes at end of body: a last event without its blank line still counts. */
  end(): StreamEvent[]
}

export interface StreamFramerOptions {
  /** Largest event (characters) buffered before a `StreamFramingError`. Default 32 Mi. */
  maxEventSize?: number
}

/** A framing rule was broken, e.g. one event grew past `maxEventSize`. The client maps it to `ResponseParseError`. */
export class StreamFramingError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StreamFramingError'
  }
}

/**
 * Server-sent events framing by WHATWG rules (`\n`, `\r\n`, `\r`, comments, multi-line `data:`),
 * on eventsource-parser: it buffers partial lines as a list of fragments, so a large event written in
 * tiny pieces costs linear work.
 * @example
 * const framer = createSseFramer()
 * framer.push('data: {"a":1}\n\n') // [{ data: '{"a":1}' }]
 */
export function createSseFramer(options: StreamFramerOptions = {}): StreamFramer {
  let events: StreamEvent[] = []
  let failure: StreamFramingError | undefined
  const parser = createParser({
    maxBufferSize: options.maxEventSize ?? 32 * 1024 * 1024,
    onEvent(message) {
      events.push(
        message.event === undefined ? { data: message.data } : { event: message.event, data: message.data },
      )
    },
    onError(error) {
      // Unknown fields and bad `retry:` values are ignored as WHATWG says; only overflow is fatal.
      if (error.type === 'max-buffer-size-exceeded') failure = new StreamFramingError(error.message)
    },
  })
  const take = (): StreamEvent[] => {
    if (failure !== undefined) throw failure
    const taken = events
    events = []
    return taken
  }
  return {
    push(text) {
      parser.feed(text)
      return take()
    },
    end() {
      parser.feed('\n\n')
      return take()
    },
  }
}
