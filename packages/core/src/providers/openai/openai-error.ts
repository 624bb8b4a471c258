import { parseRetryAfterHeaders } from '../../client/retry-policy.js'
import {
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  ProviderError,
  type ProviderErrorOptions,
  RateLimitError,
  ServiceUnavailableError,
} from '../../errors/errors.js'
import { createErrorForStatus } from '../shared/create-error-for-status.js'
import { describeProviderMessage } from '../shared/describe-provider-message.js'
import type { OpenAIErrorPayload } from './openai-api-types.js'

export interface OpenAIErrorContext {
  provider: string
  /** The HTTP status; for an error inside a 200 stream, leave it out and the payload's is used. */
  status?: number | undefined
  requestId?: string | undefined
  headers?: Record<string, string>
}

const contextWindowPattern =
  /context_length_exceeded|context length|context window|maximum context|too many tokens|string_above_max_length/i
const contentPolicyPattern = /content_filter|content_policy|content management policy|safety system/i
const secretKeyPattern = /^(api[-_]?key|authorization|access[-_]?token|secret|password|x-api-key)$/i

/** Finds the error object in the body shapes OpenAI-family servers use. */
function payloadOf(body: unknown): OpenAIErrorPayload {
  if (typeof body === 'string') return { message: body.slice(0, 2000) }
  // Gemini's OpenAI-compatible layer answers `[{"error":{…}}]`.
  if (Array.isArray(body)) return body.length > 0 ? payloadOf(body[0]) : {}
  if (typeof body !== 'object' || body === null) return {}
  const record = body as Record<string, unknown>
  if (typeof record.error === 'object' && record.error !== null) return record.error as OpenAIErrorPayload
  if (typeof record.error === 'string') return { message: record.error }
  return record as OpenAIErrorPayload // old vLLM: {object:"error", message, type, code}
}

const httpStatus = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599 ? value : undefined

/** Drops fields that look like credentials, so the error's `body` can be logged. */
export function redactErrorBody(body: unknown, depth = 0): unknown {
  if (depth > 8 || typeof body !== 'object' || body === null) return body
  if (Array.isArray(body)) return body.map((item) => redactErrorBody(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body))
    out[key] = secretKeyPattern.test(key) ? '[redacted]' : redactErrorBody(value, depth + 1)
  return out
}

/**
 * Maps an OpenAI-family error body (HTTP error, `event: error`, or a chunk with a top-level `error`)
 * to the taxonomy, as LiteLLM maps to OpenAI's classes.
 * @example
 * throw createOpenAIError({ provider: 'openai', status: 404, body })
 */
export function createOpenAIError(body: unknown, context: OpenAIErrorContext): ProviderError {
  const payload = payloadOf(body)
  const status = context.status ?? httpStatus(payload.status_code) ?? httpStatus(payload.code)
  // Not always a string: Mistral's 422 sends an object, some gateways an array.
  const providerMessage = describeProviderMessage(payload.message)
  const type = typeof payload.type === 'string' ? payload.type : undefined
  const providerCode =
    typeof payload.code === 'string' || typeof payload.code === 'number' ? payload.code : undefined
  const options: ProviderErrorOptions = {
    provider: context.provider,
    status,
    requestId: context.requestId,
    type,
    providerCode,
    param: typeof payload.param === 'string' ? payload.param : undefined,
    body: redactErrorBody(body),
    retryAfterMs: context.headers === undefined ? undefined : parseRetryAfterHeaders(context.headers),
  }
  const where = status === undefined ? 'an error in the stream' : `HTTP ${status}`
  const message = `${context.provider} answered ${where}: ${providerMessage ?? type ?? 'no message'}`
  const signature = `${String(providerCode ?? '')} ${type ?? ''} ${providerMessage ?? ''}`

  if ((status === undefined || status === 400 || status === 413) && contextWindowPattern.test(signature))
    return new ContextWindowExceededError(message, options)
  if ((status === undefined || status === 400) && contentPolicyPattern.test(signature))
    return new ContentPolicyViolationError(message, options)
  switch (status) {
    case 413:
    case 422:
      return new BadRequestError(message, options)
    case 408:
    case 409:
      return new ProviderError(message, { ...options, retryable: true })
    case 429:
      // A spent quota will not come back by waiting.
      return new RateLimitError(message, { ...options, retryable: providerCode !== 'insufficient_quota' })
    case 529:
      return new ServiceUnavailableError(message, options)
  }
  return createErrorForStatus(status, message, options, ProviderError)
}
