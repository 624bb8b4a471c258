import {
  BadRequestError,
  ContextWindowExceededError,
  PermissionDeniedError,
  type ProviderError,
  type ProviderErrorOptions,
  RateLimitError,
  ServiceUnavailableError,
} from '../../errors/errors.js'
import type { ProviderHttpResponse } from '../provider.js'
import { createErrorForStatus } from '../shared/create-error-for-status.js'
import { describeProviderMessage } from '../shared/describe-provider-message.js'
import { parseRetryAfterSeconds } from '../shared/parse-retry-after-seconds.js'

interface AnthropicErrorFields {
  type?: string
  message?: string
  details?: { error_code?: string } | null
}

/** The HTTP status Anthropic uses for each error type (platform.claude.com/docs/en/api/errors). */
const statusByType: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
}

/**
 * Maps an Anthropic error response (status, headers, `{type:'error', error:{type,message}}`) to the
 * error taxonomy. 529 overloaded is retryable; a 429 for an enforced spend limit is not.
 * @example parseAnthropicError({ status: 529, headers: {}, body }, { provider: 'anthropic', requestId: undefined })
 */
export function parseAnthropicError(
  response: ProviderHttpResponse,
  context: { provider: string; requestId: string | undefined },
): ProviderError {
  const body = response.body as { error?: AnthropicErrorFields; request_id?: unknown } | string | undefined
  const fields = typeof body === 'object' && body !== null && typeof body.error === 'object' ? body.error : {}
  const bodyRequestId =
    typeof body === 'object' && typeof body?.request_id === 'string' ? body.request_id : undefined
  return createAnthropicError(response.status, fields, {
    provider: context.provider,
    status: response.status,
    requestId: context.requestId ?? response.headers['request-id'] ?? bodyRequestId,
    body: response.body,
    retryAfterMs: parseRetryAfter(response.headers),
    fallbackMessage: typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 500) : undefined,
  })
}

/**
 * Maps an `event: error` inside a 200 stream to the taxonomy; the status stays undefined because
 * the HTTP status was 200, the class follows the error type (overloaded → ServiceUnavailableError).
 */
export function createAnthropicStreamError(
  payload: { error?: AnthropicErrorFields },
  context: { provider: string; requestId: string | undefined },
): ProviderError {
  const fields = payload.error ?? {}
  return createAnthropicError(statusByType[fields.type ?? ''] ?? 500, fields, {
    provider: context.provider,
    status: undefined,
    requestId: context.requestId,
    body: payload,
    retryAfterMs: undefined,
    fallbackMessage: undefined,
  })
}

function createAnthropicError(
  status: number,
  fields: AnthropicErrorFields,
  base: ProviderErrorOptions & { fallbackMessage: string | undefined },
): ProviderError {
  const { fallbackMessage, ...rest } = base
  const type = typeof fields.type === 'string' ? fields.type : undefined
  const message =
    describeProviderMessage(fields.message) ??
    fallbackMessage ??
    `Anthropic returned ${type ?? `HTTP ${status}`}`
  const options: ProviderErrorOptions = { ...rest, type, providerCode: fields.details?.error_code ?? type }
  if (/prompt is too long|context (window|length)/i.test(message) && status < 500) {
    return new ContextWindowExceededError(message, options)
  }
  switch (status) {
    case 402:
      return new PermissionDeniedError(message, options)
    case 409:
      // A conflict may clear up on its own, like in the OpenAI SDKs' retry rules.
      return new BadRequestError(message, { ...options, retryable: true })
    case 413:
      return new BadRequestError(`request too large: ${message}`, options)
    case 429:
      return new RateLimitError(message, {
        ...options,
        retryable: fields.details?.error_code !== 'enforced_spend_limit_reached',
      })
    case 529:
      return new ServiceUnavailableError(message, options)
  }
  return createErrorForStatus(status, message, options)
}

/**
 * Reads `retry-after-ms`, or `retry-after` in seconds or as an HTTP date, in milliseconds.
 * @example parseRetryAfter({ 'retry-after': '7' }) // 7000
 */
export function parseRetryAfter(
  headers: Record<string, string>,
  now: number = Date.now(),
): number | undefined {
  const milliseconds = Number.parseFloat(headers['retry-after-ms'] ?? '')
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds
  const value = headers['retry-after']
  if (value === undefined || value.trim() === '') return undefined
  const seconds = parseRetryAfterSeconds(value)
  if (seconds !== undefined) return seconds
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
