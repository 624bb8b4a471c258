import { InvalidArgumentError } from '../errors/errors.js'
import type { SessionOptions } from './session-options.js'

const knownOptions = new Set([
  'name',
  'connections',
  'keepAliveTimeout',
  'connectTimeout',
  'headersTimeout',
  'bodyTimeout',
  'timeout',
  'tls',
  'proxy',
  'dns',
  'http2',
  'dispatcher',
  'ownsDispatcher',
  'logger',
])
const knownTlsOptions = new Set(['ca', 'cert', 'key', 'servername', 'rejectUnauthorized'])
// Options that configure the Agent a session creates; with a borrowed dispatcher they would do nothing.
const transportOptions = [
  'connections',
  'keepAliveTimeout',
  'connectTimeout',
  'tls',
  'proxy',
  'http2',
] as const
const proxyProtocols = new Set(['http:', 'https:', 'socks:', 'socks5:'])
// setTimeout fires at once (with a warning) above this.
const maxTimer = 2_147_483_647

/** Throws an `InvalidArgumentError` naming the first wrong option. Performs no I/O. */
export function validateSessionOptions(options: unknown): asserts options is SessionOptions {
  if (!isPlainObject(options)) fail('options', 'session options must be an object')
  for (const key of Object.keys(options)) {
    if (!knownOptions.has(key)) fail(key, `unknown session option '${key}'`)
  }
  const given = (key: string) => options[key] !== undefined
  const o = options as Record<string, unknown>

  if (given('name') && (typeof o.name !== 'string' || o.name.length === 0))
    fail('name', 'name must be a non-empty string')
  if (given('connections')) {
    const value = o.connections
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      fail(
        'connections',
        `connections must be a whole number of sockets per origin, 1 or more (got ${show(value)})`,
      )
  }
  if (given('keepAliveTimeout')) milliseconds(o, 'keepAliveTimeout', 1)
  for (const key of ['connectTimeout', 'headersTimeout', 'bodyTimeout', 'timeout']) {
    if (given(key)) milliseconds(o, key, 0)
  }
  if (given('tls')) validateTls(o.tls)
  if (given('proxy')) validateProxy(o.proxy)
  if (given('dns')) {
    const dns = o.dns
    if (isPlainObject(dns)) {
      for (const key of Object.keys(dns)) {
        if (key !== 'maxTTL') fail(`dns.${key}`, `unknown dns option '${key}'`)
      }
      if (dns.maxTTL !== undefined) milliseconds(dns, 'maxTTL', 0, 'dns.maxTTL')
    } else if (typeof dns !== 'boolean') fail('dns', 'dns must be a boolean or { maxTTL }')
  }
  for (const key of ['http2', 'ownsDispatcher']) {
    if (given(key) && typeof o[key] !== 'boolean') fail(key, `${key} must be a boolean`)
  }
  if (given('logger')) {
    const logger = o.logger as Record<string, unknown> | null
    if (typeof logger !== 'object' || logger === null) fail('logger', 'logger must be an object')
    for (const level of ['debug', 'info', 'warn', 'error']) {
      if (typeof logger[level] !== 'function') fail('logger', `logger must have a ${level}() method`)
    }
  }
  if (given('dispatcher')) {
    const dispatcher = o.dispatcher as Record<string, unknown> | null
    if (
      typeof dispatcher !== 'object' ||
      dispatcher === null ||
      typeof dispatcher.dispatch !== 'function' ||
      typeof dispatcher.close !== 'function' ||
      typeof dispatcher.destroy !== 'function'
    )
      fail('dispatcher', 'dispatcher must be an undici Dispatcher (dispatch, close and destroy methods)')
    for (const key of transportOptions) {
      if (given(key))
        fail(key, `${key} configures the session's own Agent and has no effect with a given dispatcher`)
    }
  } else if (o.ownsDispatcher === true) {
    fail('ownsDispatcher', 'ownsDispatcher needs a dispatcher')
  }
}

/**
 * A null-prototype copy of session options (and of `tls` and `dns` in them) with own properties
 * only: a polluted `Object.prototype.tls` or `.proxy` elsewhere in the app must not turn TLS
 * verification off or route every call through a proxy. Anything not a plain object is returned
 * as it is, for validation to refuse.
 */
export function copyOwnSessionOptions(options: unknown): unknown {
  if (!isPlainObject(options)) return options
  const copy = ownCopy(options)
  if (isPlainObject(copy.tls)) copy.tls = ownCopy(copy.tls)
  if (isPlainObject(copy.dns)) copy.dns = ownCopy(copy.dns)
  return copy
}

function ownCopy(object: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.create(null)
  for (const key of Object.keys(object)) copy[key] = object[key]
  return copy
}

function validateTls(tls: unknown): void {
  if (!isPlainObject(tls))
    fail('tls', 'tls must be an object: { ca, cert, key, servername, rejectUnauthorized }')
  for (const key of Object.keys(tls)) {
    if (!knownTlsOptions.has(key)) fail(`tls.${key}`, `unknown tls option '${key}'`)
  }
  const pem = (value: unknown) => typeof value === 'string' || Buffer.isBuffer(value)
  if (tls.ca !== undefined && !(pem(tls.ca) || (Array.isArray(tls.ca) && tls.ca.every(pem))))
    fail('tls.ca', 'tls.ca must be a PEM string or Buffer, or an array of them')
  for (const key of ['cert', 'key']) {
    if (tls[key] !== undefined && !pem(tls[key]))
      fail(`tls.${key}`, `tls.${key} must be a PEM string or Buffer`)
  }
  if ((tls.cert === undefined) !== (tls.key === undefined))
    fail(tls.cert === undefined ? 'tls.cert' : 'tls.key', 'tls.cert and tls.key go together')
  if (tls.servername !== undefined && (typeof tls.servername !== 'string' || tls.servername.length === 0))
    fail('tls.servername', 'tls.servername must be a non-empty string')
  if (tls.rejectUnauthorized !== undefined && typeof tls.rejectUnauthorized !== 'boolean')
    fail('tls.rejectUnauthorized', 'tls.rejectUnauthorized must be a boolean')
}

function validateProxy(proxy: unknown): void {
  if (proxy === false || proxy === 'env') return
  // The value is never echoed: it may carry credentials.
  const message = "proxy must be 'env', false, or a proxy URL like http://proxy.internal:3128"
  if (typeof proxy !== 'string') fail('proxy', message)
  let url: URL
  try {
    url = new URL(proxy)
  } catch {
    fail('proxy', message)
  }
  if (!proxyProtocols.has(url.protocol) || url.hostname === '') fail('proxy', message)
}

function milliseconds(options: Record<string, unknown>, key: string, minimum: number, field = key): void {
  const value = options[key]
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum || value > maxTimer)
    fail(field, `${field} must be milliseconds from ${minimum} to ${maxTimer} (got ${show(value)})`)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value.slice(0, 40)}'` : String(value)
}

function fail(field: string, message: string): never {
  throw new InvalidArgumentError(message, { field })
}
