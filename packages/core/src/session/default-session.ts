import { InvalidArgumentError } from '../errors/errors.js'
import { type LlmSession, logSessionEvent, openSession } from './create-session.js'

let defaultSession: LlmSession | undefined

/**
 * The process default session, created on first use. Used by the top-level `completion()`,
 * `stream()` and `embedding()` when no session is given. Its idle sockets never keep the process
 * alive, and it never raises the unclosed-session warning: the module holds it for the process.
 * @example
 * const { statusCode } = await getDefaultSession().dispatcher.request({ origin, path: '/health', method: 'GET' })
 */
export function getDefaultSession(): LlmSession {
  if (defaultSession === undefined || defaultSession.closed) {
    defaultSession = openSession({ name: 'default' }, { watchLeak: false, caller: getDefaultSession })
  } else {
    logSessionEvent(defaultSession, 'session reused')
  }
  return defaultSession
}

/**
 * Replaces the process default session (the counterpart of `litellm.base_llm_aiohttp_handler = ...`).
 * The previous one is not closed: whoever created it closes it.
 * @example
 * const session = createSession({ proxy: 'env', connections: 16 })
 * setDefaultSession(session)
 */
export function setDefaultSession(session: LlmSession): void {
  const candidate = session as Partial<LlmSession> | null
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.dispatcher?.dispatch !== 'function'
  )
    throw new InvalidArgumentError('setDefaultSession() needs a session from createSession()', {
      field: 'session',
    })
  defaultSession = session
}
