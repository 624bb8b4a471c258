import type { StreamEvent } from '../providers/provider.js'
import { type StreamFramer, type StreamFramerOptions, StreamFramingError } from './sse-framer.js'

/**
 * Newline-delimited JSON framing (Ollama native): one event per non-blank line, `\r\n` accepted.
 * Partial lines are kept as a list of fragments and joined once, so cost stays linear.
 * @example
 * createNdjsonFramer().push('{"done":true}\n') // [{ data: '{"done":true}' }]
 */
export function createNdjsonFramer(options: StreamFramerOptions = {}): StreamFramer {
  const maxEventSize = options.maxEventSize ?? 32 * 1024 * 1024
  const pending: string[] = []
  let pendingLength = 0

  const line = (text: string, events: StreamEvent[]): void => {
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text
    if (trimmed.trim() !== '') events.push({ data: trimmed })
  }

  return {
    push(text) {
      const events: StreamEvent[] = []
      let start = 0
      let newline = text.indexOf('\n')
      while (newline !== -1) {
        let piece = text.slice(start, newline)
        if (pending.length > 0) {
          pending.push(piece)
          piece = pending.join('')
          pending.length = 0
          pendingLength = 0
        }
        line(piece, events)
        start = newline + 1
        newline = text.indexOf('\n', start)
      }
      if (start < text.length) {
        pending.push(text.slice(start))
        pendingLength += text.length - start
        if (pendingLength > maxEventSize)
          throw new StreamFramingError(`a line grew past the limit of ${maxEventSize} characters`)
      }
      return events
    },
    end() {
      const events: StreamEvent[] = []
      if (pending.length > 0) line(pending.join(''), events)
      pending.length = 0
      pendingLength = 0
      return events
    },
  }
}
