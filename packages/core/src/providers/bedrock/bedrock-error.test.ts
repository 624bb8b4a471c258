import { describe, expect, it } from 'vitest'
import { createBedrockStreamError, parseBedrockError } from './bedrock-error.js'

const context = { provider: 'bedrock', requestId: undefined }

function error(status: number, exception: string | undefined, message = 'failed', body?: unknown) {
  const headers: Record<string, string> = { 'x-amzn-requestid': 'b1c2-req' }
  if (exception)
    headers['x-amzn-errortype'] = `${exception}:http://internal.amazon.com/coral/com.amazon.bedrock/`
  return parseBedrockError({ status, headers, body: body ?? { message } }, context)
}

describe('parseBedrockError', () => {
  it.each([
    [400, 'ValidationException', 'BadRequestError', false],
    [403, 'AccessDeniedException', 'PermissionDeniedError', false],
    [403, 'UnrecognizedClientException', 'AuthenticationError', false],
    [403, 'InvalidSignatureException', 'AuthenticationError', false],
    [403, 'ExpiredTokenException', 'AuthenticationError', false],
    [404, 'ResourceNotFoundException', 'NotFoundError', false],
    [408, 'ModelTimeoutException', 'ProviderError', true],
    [424, 'ModelErrorException', 'InternalServerError', true],
    [429, 'ThrottlingException', 'RateLimitError', true],
    [429, 'ModelNotReadyException', 'ServiceUnavailableError', true],
    [500, 'InternalServerException', 'InternalServerError', true],
    [503, 'ServiceUnavailableException', 'ServiceUnavailableError', true],
  ])('%i %s → %s (retryable %s)', (status, exception, name, retryable) => {
    const mapped = error(status, exception)
    expect(mapped.name).toBe(name)
    expect(mapped.retryable).toBe(retryable)
    expect(mapped.type).toBe(exception)
    expect(mapped.status).toBe(status)
    expect(mapped.requestId).toBe('b1c2-req')
    expect(mapped.message).toBe('failed')
  })

  it('a ValidationException about the prompt length is a ContextWindowExceededError', () => {
    expect(error(400, 'ValidationException', 'Input is too long for requested model.').name).toBe(
      'ContextWindowExceededError',
    )
    expect(error(400, 'ValidationException', 'prompt is too long: 210000 tokens > 200000 maximum').name).toBe(
      'ContextWindowExceededError',
    )
    expect(error(400, 'ValidationException', 'Malformed input request').name).toBe('BadRequestError')
  })

  it('reads the exception from __type when the header is missing, and keeps a text body', () => {
    const mapped = error(400, undefined, '', {
      __type: 'com.amazon.coral.validate#ValidationException',
      Message: 'bad',
    })
    expect(mapped.type).toBe('ValidationException')
    expect(mapped.message).toBe('bad')
    const text = parseBedrockError({ status: 502, headers: {}, body: 'Bad Gateway' }, context)
    expect(text.name).toBe('ServiceUnavailableError')
    expect(text.message).toBe('Bad Gateway')
  })

  it('maps stream exception events by their camelCase type', () => {
    const throttled = createBedrockStreamError('throttlingException', '{"message":"slow down"}', context)
    expect(throttled.name).toBe('RateLimitError')
    expect(throttled.status).toBeUndefined()
    expect(createBedrockStreamError('serviceUnavailableException', '{"message":"x"}', context).name).toBe(
      'ServiceUnavailableError',
    )
    expect(createBedrockStreamError('validationException', 'not json', context).message).toBe('not json')
  })
})

describe('parseBedrockError on a signature mismatch', () => {
  it('keeps the first sentence, not the canonical request with the session token AWS appends', () => {
    const message =
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/model/m/converse\n\nx-amz-security-token:planted-token\n'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n…'"
    const mapped = error(403, 'InvalidSignatureException', message)
    expect(mapped.name).toBe('AuthenticationError')
    expect(mapped.message).toMatch(/^The request signature we calculated does not match.*details\.$/)
    expect(JSON.stringify(mapped.body)).not.toContain('planted-token')
  })
})
