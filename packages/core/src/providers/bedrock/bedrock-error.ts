import {
  AuthenticationError,
  ContextWindowExceededError,
  InternalServerError,
  ProviderError,
  type ProviderErrorOptions,
  ServiceUnavailableError,
} from '../../errors/errors.js'
import type { ProviderHttpResponse } from '../provider.js'
import { createErrorForStatus } from '../shared/create-error-for-status.js'
import { parseRetryAfterSeconds } from '../shared/parse-retry-after-seconds.js'

/** The HTTP status of each Bedrock Runtime exception (the AWS SDK's error models). */
const exceptionStatus: Record<string, number> = {
  ValidationException: 400,
  ServiceQuotaExceededException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ConflictException: 409,
  ModelErrorException: 424,
  ModelStreamErrorException: 424,
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
}

/** What AWS answers for a key, token or signature it does not accept (403, or 400 for a bad signature header). */
const authenticationExceptions = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
])

const contextWindowPattern =
  /too long|context (window|length)|too many (input )?tokens|maximum (context|input) length|exceeds? the (maximum|max)/i

/**
 * A signature mismatch message goes on with the canonical request AWS expected, header values
 * (the session token) included: only the sentence before it is kept.
 */
function withoutCanonicalRequest(text: unknown): unknown {
  if (typeof text !== 'string') return text
  const cut = text.search(/\s*The (Canonical String|String-to-Sign) for this request/)
  return cut === -1 ? text : text.slice(0, cut)
}

/**
 * The exception name of an AWS JSON error: the `x-amzn-errortype` header (`ValidationException:http://…`),
 * else the body's `__type` (`com.amazon.coral.service#ValidationException`) or `code`.
 * @example bedrockExceptionName({ 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/' }, {}) // 'ThrottlingException'
 */
export function bedrockExceptionName(headers: Record<string, string>, body: unknown): string | undefined {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
  const raw = headers['x-amzn-errortype'] ?? fields.__type ?? fields.code
  if (typeof raw !== 'string' || raw === '') return undefined
  const name = raw.split(':')[0]!
  return name.slice(name.lastIndexOf('#') + 1)
}

/**
 * Maps a Bedrock error (an HTTP answer, or an exception event inside a 200 ConverseStream) to the
 * taxonomy: ThrottlingException → RateLimitError, a ValidationException about the prompt's length →
 * ContextWindowExceededError, AccessDeniedException → PermissionDeniedError, rejected credentials →
 * AuthenticationError, ModelNotReadyException and ServiceUnavailableException → retryable.
 * @example parseBedrockError({ status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException' }, body: { message: 'Too many requests' } }, { provider: 'bedrock', requestId: 'r-1' })
 */
export function parseBedrockError(
  response: ProviderHttpResponse,
  context: { provider: string; requestId: string | undefined },
): ProviderError {
  const name = bedrockExceptionName(response.headers, response.body)
  const fields =
    typeof response.body === 'object' && response.body !== null
      ? (response.body as Record<string, unknown>)
      : {}
  const text = withoutCanonicalRequest(fields.message ?? fields.Message)
  const fallback =
    typeof response.body === 'string' && response.body.trim() !== ''
      ? response.body.trim().slice(0, 500)
      : undefined
  const message =
    typeof text === 'string' && text !== ''
      ? text
      : (fallback ?? `${context.provider} returned ${name ?? `HTTP ${response.status}`}`)
  const status = response.status >= 400 ? response.status : (exceptionStatus[name ?? ''] ?? 500)
  const options: ProviderErrorOptions = {
    provider: context.provider,
    status: response.status >= 400 ? response.status : undefined,
    requestId: context.requestId ?? response.headers['x-amzn-requestid'],
    type: name,
    providerCode: name,
    body: typeof text === 'string' ? { ...fields, message: text, Message: undefined } : response.body,
    retryAfterMs: parseRetryAfterSeconds(response.headers['retry-after']),
  }
  if (name !== undefined && authenticationExceptions.has(name))
    return new AuthenticationError(message, options)
  if (name === 'ValidationException' && contextWindowPattern.test(message))
    return new ContextWindowExceededError(message, options)
  if (name === 'ModelNotReadyException' || name === 'ServiceUnavailableException')
    return new ServiceUnavailableError(message, options)
  if (name === 'ModelTimeoutException') return new ProviderError(message, { ...options, retryable: true })
  if (
    name === 'ModelErrorException' ||
    name === 'ModelStreamErrorException' ||
    name === 'InternalServerException'
  )
    return new InternalServerError(message, options)
  return createErrorForStatus(status, message, options)
}

/**
 * The error of an exception event in a ConverseStream (`:message-type: exception`, type in
 * `:exception-type`, e.g. `throttlingException`, payload `{message}`).
 * @example createBedrockStreamError('throttlingException', '{"message":"slow down"}', { provider: 'bedrock', requestId: undefined })
 */
export function createBedrockStreamError(
  exceptionType: string,
  data: string,
  context: { provider: string; requestId: string | undefined },
): ProviderError {
  let body: unknown = data
  try {
    body = JSON.parse(data)
  } catch {}
  // Event types are camelCase (`throttlingException`), exception names PascalCase.
  const name = exceptionType.charAt(0).toUpperCase() + exceptionType.slice(1)
  return parseBedrockError({ status: 0, headers: { 'x-amzn-errortype': name }, body }, context)
}
