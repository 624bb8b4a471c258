import {
  BadRequestError,
  ConfigurationError,
  ConnectionError,
  InvalidArgumentError,
  LlmError,
  ProviderError,
  RateLimitError,
  SessionClosedError,
  TimeoutError,
} from './errors.js'

/** An HTTP answer for an `LlmError`: status, headers and an OpenAI-style error body. */
export interface LlmErrorHttpResponse {
  status: number
  headers: Record<string, string>
  body: {
    error: { message: string; type: string; code: string; param: string | null; request_id?: string }
  }
}

/**
 * Maps an `LlmError` to the HTTP answer an API gives its own caller; `undefined` for anything else.
 * 400 for bad input, 429 with `Retry-After` when rate limited, 504 on timeouts, 503 while shutting
 * down, 502 for other provider and connection failures, 500 otherwise. Upstream failures get a fixed
 * message: the caller learns the class of failure, never provider details (which may name accounts,
 * deployments or keys); a misconfigured server (a key not set, a credentials file unreadable) is a
 * 500 whose detail belongs in the server log. The provider's request id is passed on when known.
 * `ChatStream.toSSEStream()` and the bindings' SSE relays send this same body.
 * @example
 * app.use((error, req, res, next) => {
 *   const mapped = mapLlmErrorToHttp(error)
 *   if (mapped === undefined) return next(error)
 *   res.status(mapped.status).set(mapped.headers).json(mapped.body)
 * })
 */
export function mapLlmErrorToHttp(error: unknown): LlmErrorHttpResponse | undefined {
  if (!(error instanceof LlmError)) return undefined
  const requestId = error instanceof ProviderError ? error.requestId : undefined
  const answer = (
    status: number,
    type: string,
    message: string,
    param: string | null = null,
  ): LlmErrorHttpResponse => ({
    status,
    headers: {},
    body: {
      error: {
        message,
        type,
        code: error.code,
        param,
        ...(requestId === undefined ? {} : { request_id: requestId }),
      },
    },
  })
  if (error instanceof ConfigurationError)
    return answer(500, 'internal_error', 'The server is not configured for this request.')
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

/**
 * The error body a caller of a stream gets once the stream has begun: the body of
 * `mapLlmErrorToHttp`, or a generic internal error for anything that is not an `LlmError`.
 * @internal Shared by `ChatStream.toSSEStream()` and the bindings' SSE relay.
 */
export function mapErrorToCallerBody(error: unknown): LlmErrorHttpResponse['body'] {
  return (
    mapLlmErrorToHttp(error)?.body ?? {
      error: { message: 'Internal error.', type: 'internal_error', code: 'LLM_ERROR', param: null },
    }
  )
}
