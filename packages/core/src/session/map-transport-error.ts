import {
  ConnectionError,
  InvalidArgumentError,
  isAbortError,
  LlmError,
  ProxyError,
  SessionClosedError,
  TimeoutError,
} from '../errors/errors.js'
import { redactUrl } from './redact.js'

export interface TransportErrorContext {
  /** The origin called, e.g. `https://api.openai.com`. Credentials in it are removed. */
  origin?: string | URL | undefined
  sessionId?: string | undefined
}

const tlsTrustCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
])
const tlsOtherCodes = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED'])
const unreachableCodes = new Set(['ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETDOWN'])
const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME'])

/**
 * Turns an undici or Node transport error into llm-session's taxonomy, keeping the original as
 * `cause`: connect/headers/body timeouts become `TimeoutError`; refused, reset, DNS, proxy and TLS
 * failures become `ConnectionError` with a message that says what to do. `LlmError`s and standard
 * abort errors pass through untouched.
 * @example
 * try { await session.dispatcher.request({ origin, path, method: 'POST', body }) }
 * catch (error) { throw mapTransportError(error, { origin, sessionId: session.id }) }
 */
export function mapTransportError(error: unknown, context: TransportErrorContext = {}): Error {
  const code = codeOf(error)
  const message = error instanceof Error ? error.message : String(error)
  // undici names its tunnel refusal an AbortError (and a 407 to a plain-HTTP request an invalid
  // argument), yet it is the proxy answering: never an abort the caller would swallow.
  const proxyRefused =
    (code === 'UND_ERR_ABORTED' || code === 'UND_ERR_INVALID_ARG') && /^proxy /i.test(message)
  if (error instanceof LlmError || (isAbortError(error) && !proxyRefused)) return error as Error
  const target = context.origin === undefined ? 'the server' : redactUrl(context.origin).replace(/\/$/, '')
  const host = hostOf(context.origin) ?? target
  const cause = { cause: error }
  if (proxyRefused) {
    const status = Number(/\((\d{3})\)/.exec(message)?.[1])
    return new ProxyError(
      `the proxy refused the connection to ${target}${Number.isFinite(status) ? ` (proxy answered ${status})` : ''}: check the session proxy and its credentials`,
      { ...cause, retryable: status >= 500 },
    )
  }
  if (code === 'UND_ERR_PRX_TLS')
    return new ProxyError(`the TLS connection to the proxy failed (${code}): ${message}`, cause)

  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError(`connecting to ${target} timed out (${code}); raise session connectTimeout`, {
        ...cause,
        timeout: 'connect',
      })
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TimeoutError(
        `${target} sent no response headers in time (${code}); raise session headersTimeout`,
        {
          ...cause,
          timeout: 'headers',
        },
      )
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError(
        `${target} stopped sending the response body (${code}); raise session bodyTimeout`,
        {
          ...cause,
          timeout: 'body',
        },
      )
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return new SessionClosedError(
        `the dispatcher carrying this request is closed${context.sessionId ? ` (session ${context.sessionId})` : ''}`,
        { ...cause, sessionId: context.sessionId },
      )
    case 'UND_ERR_INVALID_ARG':
      return new InvalidArgumentError(message, cause)
    case 'ECONNREFUSED':
      return new ConnectionError(
        `${target} refused the connection (ECONNREFUSED): is the server running?`,
        cause,
      )
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new ConnectionError(
        `TLS certificate of ${host} does not match its name (${code}): check the URL or set session tls.servername`,
        { ...cause, retryable: false },
      )
    default:
  }
  if (code !== undefined && tlsTrustCodes.has(code))
    return new ConnectionError(
      `TLS certificate of ${host} is not trusted (${code}): pass its CA as session tls.ca`,
      { ...cause, retryable: false },
    )
  if (
    code !== undefined &&
    (tlsOtherCodes.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))
  )
    return new ConnectionError(`TLS handshake with ${host} failed (${code}): ${message}`, {
      ...cause,
      retryable: false,
    })
  if (code !== undefined && resetCodes.has(code))
    return new ConnectionError(`the connection to ${target} was closed by the other side (${code})`, cause)
  if (code !== undefined && dnsCodes.has(code))
    return new ConnectionError(`DNS lookup for ${host} failed (${code})`, cause)
  if (code !== undefined && unreachableCodes.has(code))
    return new ConnectionError(`${target} is unreachable (${code})`, cause)
  return new ConnectionError(`the request to ${target} failed${code ? ` (${code})` : ''}: ${message}`, cause)
}

/** The error code, also from inside an AggregateError (happy eyeballs tries several addresses). */
function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, errors } = error as { code?: unknown; errors?: unknown }
  if (typeof code === 'string') return code
  if (Array.isArray(errors)) for (const inner of errors) if (codeOf(inner) !== undefined) return codeOf(inner)
  return undefined
}

function hostOf(origin: string | URL | undefined): string | undefined {
  if (origin === undefined) return undefined
  try {
    return new URL(String(origin)).host
  } catch {
    return undefined
  }
}
