import { describe, expect, it } from 'vitest'
import { AuthenticationError, ResponseParseError } from '../errors/errors.js'
import { redactText, redactValue, scrubCallError, secretsOfCall } from './redact-call-secrets.js'

const key = 'sk-unit-planted-0a1b2c3d4e5f'
const token = 'ya29.unit-planted-access-token-77'
const secrets = secretsOfCall({
  apiKey: key,
  headers: { 'x-gateway-token': 'gw-unit-planted-123', accept: 'application/json' },
  sentHeaders: { authorization: `Bearer ${token}` },
})

describe('redaction of a call', () => {
  it('finds the key, the secret headers given and the bearer token sent, not other headers', () => {
    expect(secrets).toEqual(expect.arrayContaining([key, 'gw-unit-planted-123', `Bearer ${token}`, token]))
    expect(secrets).not.toContain('application/json')
  })

  it('replaces secrets, any bearer token and secret query values, on one line', () => {
    const text = redactText(
      `bad ${key}\nBearer other-token-xyz at https://h/x?alt=sse&key=AIza9&sig=abc`,
      secrets,
    )
    expect(text).toBe(
      'bad [REDACTED]\nBearer [REDACTED] at https://h/x?alt=sse&key=[REDACTED]&sig=[REDACTED]',
    )
    expect(redactValue({ error: { message: [`k=${key}`] } }, secrets)).toEqual({
      error: { message: ['k=[REDACTED]'] },
    })
  })

  it('scrubs message, stack, body and the cause chain, keeping messages on one line', () => {
    const cause = new SyntaxError(`Unexpected token in "${key}"`)
    const error = new ResponseParseError(`not JSON: ${key}\nINFO forged`, {
      provider: 'openai',
      cause,
      body: { echo: token },
    })
    scrubCallError(error, secrets)
    expect(error.message).toBe('not JSON: [REDACTED] INFO forged')
    expect(error.stack).not.toContain(key)
    expect(error.body).toEqual({ echo: '[REDACTED]' })
    expect(cause.message).not.toContain(key)
    const untouched = new DOMException('aborted', 'AbortError')
    expect(scrubCallError(untouched, secrets)).toBe(untouched)
  })

  it('catches an echo that arrived JSON-escaped, once parsed', () => {
    const escaped = `"${key.replace(/k/g, '\\u006b')}"`
    const error = new AuthenticationError(JSON.parse(escaped), { provider: 'openai', status: 401 })
    expect(scrubCallError(error, secrets)).toMatchObject({ message: '[REDACTED]' })
  })
})
