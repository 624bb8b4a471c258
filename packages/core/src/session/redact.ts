/** Header names whose values are credentials. Compared lower-case. */
const secretHeaders = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'x-amz-security-token',
  'cookie',
  'set-cookie',
])
/** Query parameters whose values are credentials (Gemini's `key=`, signed URLs). */
const secretParameters = new Set(['key', 'api_key', 'api-key', 'apikey', 'access_token', 'token', 'sig'])

const webSchemes = new Set(['http:', 'https:', 'ws:', 'wss:', 'socks:', 'socks5:'])

export const redacted = '[REDACTED]'

/**
 * A copy of `headers` as a plain object with every credential value replaced by `[REDACTED]`.
 * Accepts a plain object, a `Headers`, an iterable of pairs, or undici's flat `[name, value, ...]` array.
 * @example
 * redactHeaders({ authorization: 'Bearer sk-1', accept: 'application/json' })
 * // { authorization: '[REDACTED]', accept: 'application/json' }
 */
export function redactHeaders(headers: unknown): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {}
  const add = (name: unknown, value: unknown) => {
    const key = String(name).toLowerCase()
    result[key] = secretHeaders.has(key)
      ? redacted
      : Array.isArray(value)
        ? value.map(String)
        : String(value as string)
  }
  if (headers === null || headers === undefined) return result
  if (Array.isArray(headers)) {
    if (headers.every((entry) => Array.isArray(entry))) for (const [name, value] of headers) add(name, value)
    else for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i], headers[i + 1])
  } else if (
    typeof headers === 'object' &&
    typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function'
  ) {
    for (const [name, value] of headers as Iterable<[unknown, unknown]>) add(name, value)
  } else if (typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) add(name, value)
  }
  return result
}

/** True when a header name carries a credential. */
export function isSecretHeader(name: string): boolean {
  return secretHeaders.has(name.toLowerCase())
}

/**
 * `url` as a string without user info and with credential query values replaced by `[REDACTED]`.
 * Something that is not a URL comes back as `[REDACTED URL]`: it may hold a secret we cannot find.
 * @example
 * redactUrl('http://user:pass@proxy:3128') // 'http://[REDACTED]@proxy:3128/'
 * redactUrl('https://host/v1?key=AIza...') // 'https://host/v1?key=[REDACTED]'
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL
  try {
    parsed = new URL(String(url))
  } catch {
    return '[REDACTED URL]'
  }
  // Other schemes (`user:secret@host` parses as scheme `user:`) keep user info in the path.
  if (!webSchemes.has(parsed.protocol)) return '[REDACTED URL]'
  const hadUserInfo = parsed.username !== '' || parsed.password !== ''
  parsed.username = ''
  parsed.password = ''
  for (const name of [...parsed.searchParams.keys()]) {
    if (secretParameters.has(name.toLowerCase())) parsed.searchParams.set(name, redacted)
  }
  let text = parsed.href.replaceAll(encodeURIComponent(redacted), redacted)
  if (hadUserInfo) text = text.replace('//', `//${redacted}@`)
  return text
}
