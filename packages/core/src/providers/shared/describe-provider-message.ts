/**
 * A provider's error `message` as one readable line, whatever its shape. Most servers send a
 * string; Mistral's 422 sends `{detail:[{loc, msg}]}` (FastAPI), Gemini's OpenAI layer wraps the
 * error in an array. Bounded, so a huge body cannot make a huge message.
 * @example
 * describeProviderMessage({ detail: [{ loc: ['body', 'seed'], msg: 'Extra inputs are not permitted' }] })
 * // 'body.seed: Extra inputs are not permitted'
 */
export function describeProviderMessage(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value.slice(0, 2000)
  if (depth > 4 || typeof value !== 'object' || value === null) return undefined
  if (Array.isArray(value)) {
    const parts = value
      .slice(0, 10)
      .map((item) => describeProviderMessage(item, depth + 1))
      .filter((part): part is string => part !== undefined)
    return parts.length > 0 ? parts.join('; ') : undefined
  }
  const record = value as Record<string, unknown>
  if (typeof record.msg === 'string') {
    const where = Array.isArray(record.loc) ? record.loc.join('.') : undefined
    return where ? `${where}: ${record.msg}` : record.msg
  }
  for (const key of ['message', 'detail', 'error'])
    if (record[key] !== undefined) {
      const described = describeProviderMessage(record[key], depth + 1)
      if (described !== undefined) return described
    }
  const json = JSON.stringify(value)
  return json === '{}' ? undefined : json.slice(0, 2000)
}
