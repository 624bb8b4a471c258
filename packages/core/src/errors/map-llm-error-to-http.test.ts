import { describe, expect, it } from 'vitest'
import {
  BadRequestError,
  ConnectionError,
  InternalServerError,
  InvalidArgumentError,
  LlmError,
  RateLimitError,
  SessionClosedError,
  TimeoutError,
} from './errors.js'
import { mapLlmErrorToHttp } from './map-llm-error-to-http.js'

const secret = 'sk-live-do-not-leak'

describe('mapLlmErrorToHttp', () => {
  it('maps each class of failure to its status', () => {
    const provider = { provider: 'openai', body: { error: { message: `bad key ${secret}` } } }
    const cases: Array<[LlmError, number, string]> = [
      [new InvalidArgumentError('model is required', { field: 'model' }), 400, 'invalid_request_error'],
      [
        new BadRequestError(`rejected ${secret}`, { ...provider, status: 400, param: 'messages' }),
        400,
        'invalid_request_error',
      ],
      [
        new RateLimitError('slow down', { ...provider, status: 429, retryAfterMs: 2500 }),
        429,
        'rate_limit_error',
      ],
      [new TimeoutError('headers timeout', { timeout: 'headers' }), 504, 'timeout_error'],
      [new SessionClosedError('closed'), 503, 'service_unavailable'],
      [new InternalServerError(`boom ${secret}`, { ...provider, status: 500 }), 502, 'upstream_error'],
      [new ConnectionError(`refused ${secret}`), 502, 'upstream_error'],
      [new LlmError('other'), 500, 'internal_error'],
    ]
    for (const [error, status, type] of cases) {
      const mapped = mapLlmErrorToHttp(error)
      expect(mapped?.status, error.name).toBe(status)
      expect(mapped?.body.error.type).toBe(type)
      expect(mapped?.body.error.code).toBe(error.code)
      expect(JSON.stringify(mapped)).not.toContain(secret)
    }
  })

  it('names the field of bad input and the provider param', () => {
    expect(mapLlmErrorToHttp(new InvalidArgumentError('x', { field: 'model' }))?.body.error.param).toBe(
      'model',
    )
    const rejected = new BadRequestError('x', { provider: 'openai', status: 400, param: 'messages' })
    expect(mapLlmErrorToHttp(rejected)?.body.error.param).toBe('messages')
  })

  it('gives 429 a Retry-After in whole seconds, at least 1', () => {
    const after = (retryAfterMs?: number) =>
      mapLlmErrorToHttp(new RateLimitError('x', { provider: 'openai', status: 429, retryAfterMs }))?.headers[
        'retry-after'
      ]
    expect(after(2500)).toBe('3')
    expect(after(10)).toBe('1')
    expect(after(undefined)).toBe('1')
  })

  it('leaves anything that is not an LlmError to the framework', () => {
    expect(mapLlmErrorToHttp(new Error('plain'))).toBeUndefined()
    expect(mapLlmErrorToHttp('text')).toBeUndefined()
  })
})
