import {
  AuthenticationError,
  ContextWindowExceededError,
  type ProviderError,
  type ProviderErrorOptions,
} from '../../errors/errors.js'
import type { ProviderHttpResponse } from '../provider.js'
import { createErrorForStatus } from '../shared/create-error-for-status.js'
import { describeProviderMessage } from '../shared/describe-provider-message.js'
import { parseRetryAfterSeconds } from '../shared/parse-retry-after-seconds.js'
import type { GeminiErrorFields } from './gemini-api-types.js'

/**
 * Maps a Google RPC error (`{error:{code, message, status, details}}`, also inside a 200 stream
 * or as the first item of an array) to the taxonomy. An invalid key is a 400 with
 * `ErrorInfo.reason: API_KEY_INVALID` → AuthenticationError; a 429's `RetryInfo.retryDelay`
 * (`"34.4s"`) becomes `retryAfterMs`.
 * @example parseGeminiError({ status: 429, headers: {}, body }, { provider: 'gemini', requestId: undefined }).retryAfterMs // 34400
 */
export function parseGeminiError(
  response: ProviderHttpResponse,
  context: { provider: string; requestId: string | undefined },
): ProviderError {
  const raw = Array.isArray(response.body) ? response.body[0] : response.body
  const fields: GeminiErrorFields =
    typeof raw === 'object' && raw !== null && typeof (raw as { error?: unknown }).error === 'object'
      ? (raw as { error: GeminiErrorFields }).error
      : {}
  const status = response.status >= 400 ? response.status : (fields.code ?? 500)
  const details = Array.isArray(fields.details) ? fields.details : []
  const reason = details.find((detail) => detail['@type']?.endsWith('google.rpc.ErrorInfo'))?.reason
  const retryDelay = details.find((detail) => detail['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay
  const fallback =
    typeof response.body === 'string' && response.body.trim() !== ''
      ? response.body.trim().slice(0, 500)
      : undefined
  const message =
    describeProviderMessage(fields.message) ??
    fallback ??
    `${context.provider} returned ${fields.status ?? `HTTP ${status}`}`
  const options: ProviderErrorOptions = {
    provider: context.provider,
    status: response.status >= 400 ? response.status : undefined,
    requestId: context.requestId,
    type: fields.status,
    providerCode: reason ?? fields.status,
    body: response.body,
    retryAfterMs: parseGoogleDuration(retryDelay) ?? parseRetryAfterSeconds(response.headers['retry-after']),
  }
  if (reason === 'API_KEY_INVALID' || fields.status === 'UNAUTHENTICATED' || status === 401) {
    return new AuthenticationError(message, options)
  }
  if (status === 400 && /token count|exceeds the maximum number of tokens|too long/i.test(message)) {
    return new ContextWindowExceededError(message, options)
  }
  return createErrorForStatus(status, message, options)
}

/**
 * Parses a protobuf Duration in JSON form (`"34.4s"`) to milliseconds.
 * @example parseGoogleDuration('34.4s') // 34400
 */
export function parseGoogleDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim())
  return match ? Math.round(Number(match[1]) * 1000) : undefined
}
