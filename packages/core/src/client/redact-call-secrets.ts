import { LlmError, ProviderError } from '../errors/errors.js'
import { isSecretHeader, redacted, redactSecretQueryValues } from '../session/redact.js'

/** What a call knows that must never be shown: its key and the credential headers it sent. */
export interface CallSecretSource {
  apiKey: string | undefined
  headers: Record<string, string>
  /** Headers of the last request sent (they hold a Vertex access token, an Azure `api-key`...). */
  sentHeaders?: Record<string, string> | undefined
}

const bearer = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi
const lineBreaks = /[\r\n\u2028\u2029]+/g

function addSecret(secrets: Set<string>, value: string | undefined): void {
  if (value === undefined || value.length < 4) return
  secrets.add(value)
  // As a provider may echo it: JSON-escaped, URL-encoded, or the token without its scheme.
  secrets.add(JSON.stringify(value).slice(1, -1))
  secrets.add(encodeURIComponent(value))
  const token = /^(Bearer|Basic)\s+(.+)$/i.exec(value)?.[2]
  if (token !== undefined) addSecret(secrets, token)
}

/** Every secret string of a call, longest first, so a longer secret is replaced before its parts. */
export function secretsOfCall(source: CallSecretSource): string[] {
  const secrets = new Set<string>()
  addSecret(secrets, source.apiKey)
  for (const headers of [source.headers, source.sentHeaders])
    if (headers !== undefined)
      for (const name of Object.keys(headers)) if (isSecretHeader(name)) addSecret(secrets, headers[name])
  return [...secrets].sort((a, b) => b.length - a.length)
}

/**
 * `text` without the call's secrets, bearer tokens or secret query values.
 * @example
 * redactText('bad key sk-123456 for https://h/x?key=AIza1', ['sk-123456']) // 'bad key [REDACTED] for https://h/x?key=[REDACTED]'
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text
  for (const secret of secrets) if (result.includes(secret)) result = result.split(secret).join(redacted)
  return redactSecretQueryValues(result.replace(bearer, `$1 ${redacted}`))
}

/** A deep copy of a parsed body with every string redacted (echoes that arrived JSON-escaped included). */
export function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets)
  if (typeof value !== 'object' || value === null || depth > 20) return value
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1))
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) copy[key] = redactValue(item, secrets, depth + 1)
  return copy
}

function scrubOne(error: Error, secrets: readonly string[]): void {
  const message = redactText(error.message, secrets).replace(lineBreaks, ' ')
  if (message !== error.message) {
    const stack = error.stack
    error.message = message
    if (typeof stack === 'string') {
      // The stack starts with the message; its frames are ours and hold no secret.
      const frames = stack.indexOf('\n    at ')
      error.stack = `${error.name}: ${message}${frames === -1 ? '' : stack.slice(frames)}`
    }
  }
  if (error instanceof ProviderError && error.body !== undefined)
    (error as { body: unknown }).body = redactValue(error.body, secrets)
}

/**
 * Removes the call's secrets from an error the client is about to throw: its message (on one
 * line), stack, body and every `cause` under it (a JSON SyntaxError quotes the body it choked on).
 * Errors that are not the library's (a caller's abort reason) are left as they are.
 * @example
 * throw scrubCallError(error, secretsOfCall(call))
 */
export function scrubCallError(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof LlmError)) return error
  let current: unknown = error
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    scrubOne(current, secrets)
    current = current.cause
  }
  return error
}
