import { createSession, type LlmSession } from './create-session.js'

let defaultSession: LlmSession | undefined

/**
 * The process default session, created on first use. Used by the top-level `completion()`,
 * `stream()` and `embedding()` when no session is given.
 */
export function getDefaultSession(): LlmSession {
  if (defaultSession === undefined || defaultSession.closed)
    defaultSession = createSession({ name: 'default' })
  return defaultSession
}

/** Replaces the process default session. The previous one is not closed: its owner closes it. */
export function setDefaultSession(session: LlmSession): void {
  defaultSession = session
}
