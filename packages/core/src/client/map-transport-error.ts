import { ConnectionError, LlmError, SessionClosedError, TimeoutError } from '../errors/errors.js'

const timeouts: Record<string, 'connect' | 'headers' | 'body'> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
}

/**
 * undici and socket errors → ConnectionError / TimeoutError / SessionClosedError. Kept in one
 * function so the session layer's shared mapping can replace it.
 */
export function mapTransportError(error: unknown, sessionId: string | undefined): unknown {
  if (error instanceof LlmError) return error
  if (typeof error !== 'object' || error === null) return error
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown }
  if (name === 'AbortError') return error
  const text = typeof message === 'string' ? message : String(code)
  if (typeof code === 'string' && code in timeouts)
    return new TimeoutError(`request timed out: ${text}`, { timeout: timeouts[code], cause: error })
  if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED')
    return new SessionClosedError(`the session is closed: ${text}`, { sessionId, cause: error })
  if (code === 'UND_ERR_INVALID_ARG') return error
  return new ConnectionError(`connection failed: ${text}`, { cause: error })
}
