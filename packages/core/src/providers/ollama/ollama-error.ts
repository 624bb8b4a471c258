import {
  ContextWindowExceededError,
  type ProviderError,
  type ProviderErrorOptions,
} from '../../errors/errors.js'
import type { ProviderHttpResponse } from '../provider.js'
import { createErrorForStatus } from '../shared/create-error-for-status.js'
import { parseRetryAfterSeconds } from '../shared/parse-retry-after-seconds.js'

/**
 * Maps an Ollama error (`{"error": "<string>"}`) by HTTP status. A status below 400 means the
 * error came as an NDJSON line inside a 200 stream; it is retryable like a 500 with status undefined.
 * @example parseOllamaError({ status: 404, headers: {}, body: { error: 'model "x" not found' } }, { provider: 'ollama', requestId: undefined })
 */
export function parseOllamaError(
  response: ProviderHttpResponse,
  context: { provider: string; requestId: string | undefined },
): ProviderError {
  const body = response.body as { error?: unknown } | string | undefined
  const raw = typeof body === 'object' && body !== null ? body.error : body
  const text =
    typeof raw === 'string' && raw.trim() !== ''
      ? raw.trim().slice(0, 1000)
      : typeof raw === 'object' && raw !== null && typeof (raw as { message?: unknown }).message === 'string'
        ? (raw as { message: string }).message
        : `${context.provider} returned HTTP ${response.status}`
  const status = response.status >= 400 ? response.status : undefined
  const options: ProviderErrorOptions = {
    provider: context.provider,
    status,
    requestId: context.requestId,
    body: response.body,
    retryAfterMs: parseRetryAfterSeconds(response.headers['retry-after']),
  }
  if (/context (length|window)|too long|exceeds.*context/i.test(text) && (status ?? 400) < 500) {
    return new ContextWindowExceededError(text, options)
  }
  return createErrorForStatus(status, text, options)
}
