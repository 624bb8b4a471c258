import { Agent, type Dispatcher } from 'undici'
import { SessionClosedError } from '../errors/errors.js'
import type { SessionOptions } from './session-options.js'

export interface SessionStats {
  requests: number
  inFlight: number
  socketsOpened: number
  socketsOpen: number
  errors: number
}

/**
 * One application's HTTP session: an undici Dispatcher that carries every byte of every provider
 * call, with pooling, keep-alive and clear ownership.
 */
export interface LlmSession extends AsyncDisposable {
  readonly id: string
  readonly name: string | undefined
  readonly dispatcher: Dispatcher
  readonly closed: boolean
  stats(): SessionStats
  /** Graceful: in-flight requests finish. Idempotent. */
  close(): Promise<void>
  /** Aborts in-flight requests with `reason` (a `SessionClosedError` by default). Idempotent. */
  destroy(reason?: Error): Promise<void>
}

let sequence = 0

/**
 * Creates a session. Create one per application at start-up and close it at shutdown.
 * @example
 * await using session = createSession({ connections: 32 })
 * const llm = createClient({ session })
 */
export function createSession(options: SessionOptions = {}): LlmSession {
  const id = `llm-session-${process.pid}-${++sequence}`
  const owned = options.dispatcher === undefined || options.ownsDispatcher === true
  const inner = options.dispatcher ?? new Agent({ connections: options.connections ?? 64 })
  let closed = false

  // Minimal first version; the session layer grows stats, validation and leak warnings on top.
  const session: LlmSession = {
    id,
    name: options.name,
    dispatcher: inner,
    get closed() {
      return closed
    },
    stats() {
      return { requests: 0, inFlight: 0, socketsOpened: 0, socketsOpen: 0, errors: 0 }
    },
    async close() {
      if (closed) return
      closed = true
      if (owned) await inner.close()
    },
    async destroy(reason?: Error) {
      if (closed && !owned) return
      closed = true
      if (owned)
        await inner.destroy(reason ?? new SessionClosedError(`session ${id} destroyed`, { sessionId: id }))
    },
    [Symbol.asyncDispose]() {
      return session.close()
    },
  }
  return session
}
