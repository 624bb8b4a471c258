/**
 * Shared because Anthropic, Gemini and Ollama all read a `retry-after` header given in seconds:
 * milliseconds, or undefined when the value is missing, blank, negative or not a number.
 * @example parseRetryAfterSeconds('7') // 7000
 */
export function parseRetryAfterSeconds(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const seconds = Number(value)
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined
}
