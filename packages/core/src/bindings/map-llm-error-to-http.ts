import {
  BadRequestError,
  ConnectionError,
  InvalidArgumentError,
  LlmError,
  ProviderError,
  RateLimitError,
  SessionClosedError,
  TimeoutError,
} from '../errors/errors.js'

/** An HTTP answer for an `LlmError`: status, headers and an OpenAI-style error body. */
export interface LlmErrorHttpResponse {
  status: number
  headers: Record<string, string>
  body: { error: { message: string; type: string; code: string; param: string | null } }
}

/**
 * Maps an `LlmError` to the HTTP answer an API gives its own caller; `undefined` for anything else.
 * 400 for bad input, 429 with `Retry-After` when rate limited, 504 on timeouts, 503 while shutting
 * down, 502 for other provider and connection failures, 500 otherwise. Upstream failures get a fixed
 * message: the caller learns the class of failure, never provider details (which may name accounts,
 * deployments or keys).
 * @example
 * app.use((error, req, res, next) => {
 *   const mapped = mapLlmErrorToHttp(error)
 *   if (mapped === undefined) return next(error)
 *   res.status(mapped.status).set(mapped.headers).json(mapped.body)
 * })
 */
export function mapLlmErrorToHttp(error: unknown): LlmErrorHttpResponse | undefined {
  if (!(error instanceof LlmError)) return undefined
  const answer = (status: number, type: string, message: string, param: string | null = null) => ({
    status,
    headers: {} as Record<string, string>,
    body: { error: { message, type, code: error.code, param } },
  })
  if (error instanceof InvalidArgumentError)
    return answer(400, 'invalid_request_error', error.message, error.field ?? null)
  if (error instanceof BadRequestError)
    return answer(
      400,
      'invalid_request_error',
      'The model provider rejected the request.',
      error.param ?? null,
    )
  if (error instanceof RateLimitError) {
    const response = answer(429, 'rate_limit_error', 'The model provider is rate limiting; retry later.')
    response.headers['retry-after'] = String(Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000)))
    return response
  }
  if (error instanceof TimeoutError) return answer(504, 'timeout_error', 'The model provider timed out.')
  if (error instanceof SessionClosedError)
    return answer(503, 'service_unavailable', 'The server is shutting down.')
  if (error instanceof ProviderError || error instanceof ConnectionError)
    return answer(502, 'upstream_error', 'The model provider failed.')
  return answer(500, 'internal_error', 'Internal error.')
}
