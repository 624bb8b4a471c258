import {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  ProviderError,
  type ProviderErrorOptions,
  RateLimitError,
  ServiceUnavailableError,
} from '../../errors/errors.js'

/** A ProviderError class, for the 4xx statuses the table does not name. */
export type ProviderErrorClass = new (message: string, options: ProviderErrorOptions) => ProviderError

/**
 * Shared because every provider's HTTP statuses mean the same error classes: 400, 401, 403, 404,
 * 429 and 502–504 and 529 (overloaded) by name, 408 and 409 as a retryable ProviderError (as the
 * official SDKs retry them), no status (an error inside a 200 stream) and other 5xx as
 * InternalServerError, other 4xx as `otherClientError`. A provider maps its own special cases
 * (Anthropic's 529 or spend limit, Gemini's API_KEY_INVALID) before calling this.
 * @example createErrorForStatus(404, 'model not found', { provider: 'ollama', status: 404 }) // NotFoundError
 */
export function createErrorForStatus(
  status: number | undefined,
  message: string,
  options: ProviderErrorOptions,
  otherClientError: ProviderErrorClass = BadRequestError,
): ProviderError {
  switch (status) {
    case 400:
      return new BadRequestError(message, options)
    case 401:
      return new AuthenticationError(message, options)
    case 403:
      return new PermissionDeniedError(message, options)
    case 404:
      return new NotFoundError(message, options)
    case 408:
    case 409:
      return new ProviderError(message, { ...options, retryable: true })
    case 429:
      return new RateLimitError(message, options)
    case 502:
    case 503:
    case 504:
    case 529:
      return new ServiceUnavailableError(message, options)
  }
  if (status === undefined || status >= 500) return new InternalServerError(message, options)
  return new otherClientError(message, options)
}
