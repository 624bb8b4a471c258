import { ResponseParseError } from '../../errors/errors.js'

/** How the parse error names what was read. */
export interface ParseStreamEventJsonOptions {
  /** Who sent it, as the message names it; the routed provider name by default. */
  sender?: string
  /** What was sent; `stream event` by default (`line` for NDJSON). */
  unit?: string
}

/**
 * Shared because every chunk mapper must turn a stream event's `data` into JSON and fail the
 * same way: a `ResponseParseError` with the bad JSON as `cause`. JSON that is not an object
 * (nor an array) gives `undefined`; whether that is skipped or an error is the provider's call.
 * @example parseStreamEventJson<{ type: string }>('{"type":"ping"}', { provider: 'anthropic', requestId: undefined }) // { type: 'ping' }
 */
export function parseStreamEventJson<T extends object>(
  data: string,
  context: { provider: string; requestId: string | undefined },
  options: ParseStreamEventJsonOptions = {},
): T | undefined {
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch (error) {
    throw new ResponseParseError(
      `${options.sender ?? context.provider} sent a ${options.unit ?? 'stream event'} that is not JSON`,
      { provider: context.provider, requestId: context.requestId, cause: error },
    )
  }
  return typeof value === 'object' && value !== null ? (value as T) : undefined
}

/**
 * Like `parseStreamEventJson`, for formats whose every event is a JSON object: JSON that is not
 * one is a `ResponseParseError` too.
 * @example parseStreamEventObject<{ type: string }>('{"type":"ping"}', { provider: 'anthropic', requestId: undefined }, { sender: 'Anthropic' })
 */
export function parseStreamEventObject<T extends object>(
  data: string,
  context: { provider: string; requestId: string | undefined },
  options: ParseStreamEventJsonOptions = {},
): T {
  const payload = parseStreamEventJson<T>(data, context, options)
  if (payload === undefined)
    throw new ResponseParseError(
      `${options.sender ?? context.provider} sent a ${options.unit ?? 'stream event'} that is not an object`,
      { provider: context.provider, requestId: context.requestId },
    )
  return payload
}
