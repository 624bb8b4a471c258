import { describe, expect, it, vi } from 'vitest'
import {
  ConnectionError,
  InvalidArgumentError,
  LlmError,
  ProviderError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
} from './errors.js'

describe('error taxonomy', () => {
  it('gives each class a stable code, a name and retryable', () => {
    const error = new RateLimitError('slow down', { provider: 'openai', status: 429, retryAfterMs: 1500 })
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toBeInstanceOf(LlmError)
    expect(error).toBeInstanceOf(Error)
    expect(error.code).toBe('LLM_RATE_LIMIT')
    expect(error.name).toBe('RateLimitError')
    expect(error.retryable).toBe(true)
    expect(error.retryAfterMs).toBe(1500)
    expect(new InvalidArgumentError('bad', { field: 'model' }).retryable).toBe(false)
    expect(new ConnectionError('reset').retryable).toBe(true)
    expect(new TimeoutError('late', { timeout: 'idle' }).timeout).toBe('idle')
  })

  it('does not confuse sibling classes', () => {
    const error = new ServiceUnavailableError('overloaded', { provider: 'anthropic', status: 529 })
    expect(error).not.toBeInstanceOf(RateLimitError)
    expect(error).not.toBeInstanceOf(InvalidArgumentError)
    expect(new TimeoutError('x')).not.toBeInstanceOf(ProviderError)
  })

  it('keeps the cause', () => {
    const cause = new Error('ECONNRESET')
    expect(new ConnectionError('socket reset', { cause }).cause).toBe(cause)
  })

  it('recognises errors made by another copy of the package through the brand', async () => {
    vi.resetModules()
    const copy = await import('./errors.js')
    expect(copy.RateLimitError).not.toBe(RateLimitError)
    const foreign = new copy.RateLimitError('from the other copy', { provider: 'openai', status: 429 })
    expect(foreign).toBeInstanceOf(LlmError)
    expect(foreign).toBeInstanceOf(ProviderError)
    expect(foreign).toBeInstanceOf(RateLimitError)
    expect(foreign).not.toBeInstanceOf(ServiceUnavailableError)
    expect(new copy.TimeoutError('x')).toBeInstanceOf(TimeoutError)
    expect(new copy.TimeoutError('x')).not.toBeInstanceOf(ConnectionError)
    expect({ name: 'RateLimitError' }).not.toBeInstanceOf(LlmError)
  })
})
