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
  'ocp-apim-subscription-key',
  'x-auth-token',
  'x-access-token',
])
// Names a developer's own credential header is likely to have (`x-gateway-key`, `x-service-token`).
const secretHeaderWords = /(key|token|secret|passw|auth|cookie|signature|credential)/i
/** Query parameters whose values are credentials (Gemini's `key=`, signed URLs). */
const secretParameterNames = [
  'key',
  'api_key',
  'api-key',
  'apikey',
  'x-goog-api-key',
  'access_token',
  'access-token',
  'refresh_token',
  'id_token',
  'token',
  'code',
  'subscription-key',
  'auth',
  'sig',
  'signature',
  'client_secret',
  'password',
  'secret',
]
const secretParameters = new Set(secretParameterNames)
// `name=value` in any text (a URL inside a provider's message): the value up to a separator.
const secretParameterInText = new RegExp(
  `([?&;](?:${secretParameterNames.map((name) => name.replace(/[-_]/g, '[-_]')).join('|')})=)[^&#\\s"'<>]+`,
  'gi',
)

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
    result[key] = isSecretHeader(key)
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

/** True when a header name carries a credential: a known one, or a name with key, token, secret, auth... */
export function isSecretHeader(name: string): boolean {
  return secretHeaders.has(name.toLowerCase()) || secretHeaderWords.test(name)
}

/**
 * `text` with the value of every secret query parameter (`?key=`, `&sig=`, `&code=`…) replaced.
 * @example
 * redactSecretQueryValues('see https://h/x?alt=sse&key=AIza123') // 'see https://h/x?alt=sse&key=[REDACTED]'
 */
export function redactSecretQueryValues(text: string): string {
  return text.includes('=') ? text.replace(secretParameterInText, `$1${redacted}`) : text
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
