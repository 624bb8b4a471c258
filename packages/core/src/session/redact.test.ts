import { describe, expect, it } from 'vitest'
import { redactHeaders, redactUrl } from './redact.js'

describe('redactHeaders', () => {
  const secret = 'sk-planted'
  it.each([
    ['a plain object', { Authorization: `Bearer ${secret}`, 'X-Api-Key': secret, accept: 'json' }],
    ['a Headers', new Headers({ authorization: `Bearer ${secret}`, 'x-api-key': secret, accept: 'json' })],
    [
      'pairs',
      [
        ['authorization', `Bearer ${secret}`],
        ['x-api-key', secret],
        ['accept', 'json'],
      ],
    ],
    ['a flat undici array', ['authorization', `Bearer ${secret}`, 'x-api-key', secret, 'accept', 'json']],
  ])('removes credentials from %s', (_label, headers) => {
    const result = redactHeaders(headers)
    expect(result).toEqual({ authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', accept: 'json' })
  })

  it('covers Azure, Gemini and proxy credentials', () => {
    const result = redactHeaders({ 'api-key': 'a', 'x-goog-api-key': 'b', 'proxy-authorization': 'c' })
    expect(Object.values(result)).toEqual(['[REDACTED]', '[REDACTED]', '[REDACTED]'])
  })
})

describe('redactUrl', () => {
  it('removes user info and key= values', () => {
    expect(redactUrl('http://user:secret@proxy.internal:3128')).toBe('http://[REDACTED]@proxy.internal:3128/')
    expect(redactUrl('https://g.example/v1/models?key=AIza-secret&alt=sse')).toBe(
      'https://g.example/v1/models?key=[REDACTED]&alt=sse',
    )
  })

  it('gives nothing away when the input is not a URL', () => {
    expect(redactUrl('user:secret@@nope')).toBe('[REDACTED URL]')
  })
})
