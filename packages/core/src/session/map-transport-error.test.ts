import { errors } from 'undici'
import { describe, expect, it } from 'vitest'
import { ConnectionError, InvalidArgumentError, SessionClosedError, TimeoutError } from '../errors/errors.js'
import { mapTransportError } from './map-transport-error.js'

const origin = 'https://api.example.com'
const withCode = (code: string, message = code) => Object.assign(new Error(message), { code })

describe('mapTransportError', () => {
  it.each([
    [new errors.ConnectTimeoutError(), 'connect', /connecting to https:\/\/api\.example\.com timed out/],
    [new errors.HeadersTimeoutError(), 'headers', /sent no response headers in time/],
    [new errors.BodyTimeoutError(), 'body', /stopped sending the response body/],
  ])('maps %s to a TimeoutError', (error, timeout, message) => {
    const mapped = mapTransportError(error, { origin })
    expect(mapped).toBeInstanceOf(TimeoutError)
    expect(mapped).toMatchObject({ timeout, cause: error, retryable: true })
    expect(mapped.message).toMatch(message)
  })

  it.each([
    [withCode('ECONNREFUSED'), /refused the connection/, true],
    [withCode('ECONNRESET'), /closed by the other side/, true],
    [new errors.SocketError('other side closed'), /closed by the other side \(UND_ERR_SOCKET\)/, true],
    [withCode('ENOTFOUND'), /DNS lookup for api\.example\.com failed/, true],
    [
      withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      /^TLS certificate of api\.example\.com is not trusted/,
      false,
    ],
    [withCode('SELF_SIGNED_CERT_IN_CHAIN'), /pass its CA as session tls\.ca/, false],
    [withCode('ERR_TLS_CERT_ALTNAME_INVALID'), /does not match its name/, false],
    [withCode('CERT_HAS_EXPIRED'), /TLS handshake with api\.example\.com failed/, false],
    [new AggregateError([withCode('ECONNREFUSED')]), /refused the connection/, true],
    [
      // A 407 asks for other credentials: another try with the same ones fails the same way.
      new errors.RequestAbortedError('Proxy response (407) !== 200 when HTTP Tunneling'),
      /proxy refused .*\(proxy answered 407\)/,
      false,
    ],
    [new Error('something else'), /the request to https:\/\/api\.example\.com failed: something else/, true],
  ])('maps %s to a ConnectionError', (error, message, retryable) => {
    const mapped = mapTransportError(error, { origin })
    expect(mapped).toBeInstanceOf(ConnectionError)
    expect(mapped.message).toMatch(message)
    expect(mapped).toMatchObject({ cause: error, retryable })
  })

  it('maps a closed dispatcher to SessionClosedError and a bad argument to InvalidArgumentError', () => {
    expect(mapTransportError(new errors.ClientClosedError(), { sessionId: 's1' })).toBeInstanceOf(
      SessionClosedError,
    )
    expect(mapTransportError(new errors.InvalidArgumentError('bad'))).toBeInstanceOf(InvalidArgumentError)
  })

  it('passes llm-session errors and standard aborts through untouched', () => {
    const closed = new SessionClosedError('closed')
    const abort = new DOMException('aborted', 'AbortError')
    expect(mapTransportError(closed)).toBe(closed)
    expect(mapTransportError(abort)).toBe(abort)
  })

  it('never shows credentials of the origin', () => {
    const mapped = mapTransportError(withCode('ECONNREFUSED'), { origin: 'http://u:secret@h:1/?key=k1' })
    expect(mapped.message).not.toMatch(/secret|k1/)
  })
})
