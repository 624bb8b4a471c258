import type { LlmSession } from './create-session.js'

/** One origin's sockets and queue, from undici's pool stats. */
export interface OriginPoolStats {
  /** Sockets connected now. */
  open: number
  /** Connected sockets with no request. */
  idle: number
  /** Connected sockets serving a request. */
  busy: number
  /** Requests waiting for a socket. */
  queued: number
  /** Sockets opened since the session started (TLS handshakes for an https origin). */
  opened: number
}

/** What the session's pool metrics read: per origin, and errors by type. */
export interface SessionPoolStats {
  origins: Record<string, OriginPoolStats>
  errorsByType: ReadonlyMap<string, number>
}

/** Per-session readers, kept beside the session (not on its public surface). */
export const sessionPoolStats = new WeakMap<LlmSession, () => SessionPoolStats>()
