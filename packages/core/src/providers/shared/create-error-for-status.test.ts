import { describe, expect, it } from 'vitest'
import { ProviderError } from '../../errors/errors.js'
import { createErrorForStatus } from './create-error-for-status.js'
import { parseRetryAfterSeconds } from './parse-retry-after-seconds.js'

const options = { provider: 'p' }

describe('createErrorForStatus', () => {
  it.each([
    [400, 'BadRequestError', false],
    [401, 'AuthenticationError', false],
    [403, 'PermissionDeniedError', false],
    [404, 'NotFoundError', false],
    [408, 'ProviderError', true],
    [409, 'ProviderError', true],
    [418, 'BadRequestError', false],
    [429, 'RateLimitError', true],
    [500, 'InternalServerError', true],
    [502, 'ServiceUnavailableError', true],
    [503, 'ServiceUnavailableError', true],
    [504, 'ServiceUnavailableError', true],
    [507, 'InternalServerError', true],
    [529, 'ServiceUnavailableError', true],
    [undefined, 'InternalServerError', true],
  ])('maps %s to %s', (status, name, retryable) => {
    const error = createErrorForStatus(status, 'boom', options)
    expect(error).toBeInstanceOf(ProviderError)
    expect(error.name).toBe(name)
    expect(error.retryable).toBe(retryable)
    expect(error.message).toBe('boom')
  })

  it('uses the given class for other 4xx statuses only', () => {
    expect(createErrorForStatus(418, 'teapot', options, ProviderError).name).toBe('ProviderError')
    expect(createErrorForStatus(404, 'gone', options, ProviderError).name).toBe('NotFoundError')
  })
})

describe('parseRetryAfterSeconds', () => {
  it.each([
    ['7', 7000],
    ['0.5', 500],
    [undefined, undefined],
    ['  ', undefined],
    ['-1', undefined],
    ['Wed, 21 Oct 2015 07:28:00 GMT', undefined],
  ])('reads %j as %j', (value, expected) => {
    expect(parseRetryAfterSeconds(value)).toBe(expected)
  })
})
