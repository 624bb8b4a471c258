import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../errors/errors.js'
import { createTrustPolicy } from './trust-policy.js'

describe('createTrustPolicy', () => {
  const policy = createTrustPolicy({
    allowedBaseUrls: ['https://gateway.internal/llm', 'http://127.0.0.1:8080'],
    enabledProviders: new Set(['openai']),
  })

  it('allows the configured origin, and allowed prefixes on a path boundary', () => {
    expect(policy.allowsBaseUrl('https://api.openai.com/v2', 'https://api.openai.com/v1')).toBe(true)
    expect(policy.allowsBaseUrl('https://gateway.internal/llm/v1', undefined)).toBe(true)
    expect(policy.allowsBaseUrl('https://gateway.internal/llmx', undefined)).toBe(false)
    expect(policy.allowsBaseUrl('https://gateway.internal.attacker.test/llm', undefined)).toBe(false)
  })

  it('compares hosts after WHATWG parsing: one host, every spelling', () => {
    for (const spelling of ['2130706433', '0x7f.1', '127.1', '0177.0.0.1'])
      expect(policy.allowsBaseUrl(`http://${spelling}:8080/v1`, undefined), spelling).toBe(true)
    expect(policy.allowsBaseUrl('http://127.0.0.1:8081/v1', undefined)).toBe(false)
    expect(policy.allowsBaseUrl('not a url', undefined)).toBe(false)
  })

  it('routes only to enabled providers when some are named, to all when none are', () => {
    expect(() => policy.checkProvider('openai')).not.toThrow()
    expect(() => policy.checkProvider('anthropic')).toThrow(InvalidArgumentError)
    const open = createTrustPolicy({ allowedBaseUrls: [], enabledProviders: undefined })
    expect(() => open.checkProvider('anthropic')).not.toThrow()
  })
})
