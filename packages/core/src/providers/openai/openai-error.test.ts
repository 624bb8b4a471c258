import { describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  ProviderError,
  RateLimitError,
  ServiceUnavailableError,
} from '../../errors/errors.js'
import { createOpenAIChunkMapper } from './openai-chunk-mapper.js'
import { createOpenAIError } from './openai-error.js'

const body = (code?: unknown, message = 'boom') => ({
  error: { message, type: 'invalid_request_error', code },
})

describe('createOpenAIError', () => {
  it.each([
    [400, BadRequestError, false],
    [401, AuthenticationError, false],
    [403, PermissionDeniedError, false],
    [404, NotFoundError, false],
    [408, ProviderError, true],
    [409, ProviderError, true],
    [429, RateLimitError, true],
    [500, InternalServerError, true],
    [502, ServiceUnavailableError, true],
    [503, ServiceUnavailableError, true],
    [504, ServiceUnavailableError, true],
    [529, ServiceUnavailableError, true],
  ])('maps %i', (status, ErrorClass, retryable) => {
    const error = createOpenAIError(body('x'), { provider: 'openai', status, requestId: 'req_1' })
    expect(error).toBeInstanceOf(ErrorClass)
    expect(error.retryable).toBe(retryable)
    expect(error.status).toBe(status)
    expect(error.requestId).toBe('req_1')
    expect(error.message).toContain('boom')
  })

  it('knows context-window and content-policy 400s, a spent quota, retry-after and numeric codes', () => {
    expect(
      createOpenAIError(body('context_length_exceeded'), { provider: 'openai', status: 400 }),
    ).toBeInstanceOf(ContextWindowExceededError)
    expect(createOpenAIError(body('content_filter'), { provider: 'azure', status: 400 })).toBeInstanceOf(
      ContentPolicyViolationError,
    )
    expect(createOpenAIError(body('insufficient_quota'), { provider: 'openai', status: 429 }).retryable).toBe(
      false,
    )
    const limited = createOpenAIError(body(429), {
      provider: 'openrouter',
      status: 429,
      headers: { 'retry-after': '3' },
    })
    expect(limited.retryAfterMs).toBe(3000)
    expect(limited.providerCode).toBe(429)
    const vllm = createOpenAIError(
      { object: 'error', message: 'bad', type: 'BadRequestError', code: 400 },
      { provider: 'vllm' },
    )
    expect(vllm).toBeInstanceOf(BadRequestError)
  })

  it('redacts credential-looking fields in the kept body', () => {
    const error = createOpenAIError(
      { error: { message: 'm', api_key: 'sk-secret' } },
      { provider: 'openai', status: 401 },
    )
    expect(JSON.stringify(error.body)).not.toContain('sk-secret')
  })
})

describe('createOpenAIChunkMapper', () => {
  const context = {
    provider: 'groq',
    model: 'm',
    requestId: 'r',
    headers: {},
    request: { model: 'groq/m', messages: [] },
  }

  it('throws a typed error for event: error with status_code, and for an inline error chunk', () => {
    const mapper = createOpenAIChunkMapper(context)
    expect(() =>
      mapper.map({
        event: 'error',
        data: '{"error":{"message":"x","code":"tool_use_failed","status_code":400}}',
      }),
    ).toThrow(BadRequestError)
    expect(() =>
      mapper.map({ data: '{"id":"a","choices":[],"error":{"code":400,"message":"Token limit"}}' }),
    ).toThrow(BadRequestError)
  })

  it('ends at [DONE] and indexes tool calls without an index', () => {
    const mapper = createOpenAIChunkMapper(context)
    const [chunk] = mapper.map({
      data: '{"id":"a","choices":[{"delta":{"tool_calls":[{"id":"t1","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}',
    })
    expect(chunk?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({ index: 0, id: 't1', type: 'function' })
    expect(mapper.finished).toBe(false)
    expect(mapper.map({ data: '[DONE]' })).toEqual([])
    expect(mapper.finished).toBe(true)
  })
})
