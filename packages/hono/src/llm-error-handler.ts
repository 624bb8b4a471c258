import { mapLlmErrorToHttp } from '@llm-session/core'
import type { Context, ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * Opt-in error handler: answers `LlmError`s with an OpenAI-style JSON error (429 with Retry-After,
 * 504 on timeouts, 502 on provider failures, 400 on bad input); anything else as Hono does by default.
 * @example
 * app.onError(llmErrorHandler)
 */
export const llmErrorHandler: ErrorHandler = (error: Error, c: Context) => {
  // `app.onError(llmErrorHandler())` calls the handler itself at setup, with nothing.
  if (c === undefined)
    throw new TypeError(
      '@llm-session/hono: llmErrorHandler is the handler itself: write app.onError(llmErrorHandler), without parentheses',
    )
  const mapped = mapLlmErrorToHttp(error)
  if (mapped !== undefined) {
    // The caller gets a fixed message; the detail (a key not set, a proxy refusing) is for the server log.
    if (mapped.status >= 500)
      console.error(`llm call failed: ${error.name} (${(error as { code?: string }).code}): ${error.message}`)
    return c.json(mapped.body, mapped.status as ContentfulStatusCode, mapped.headers)
  }
  if (error instanceof HTTPException) return error.getResponse()
  console.error(error)
  return c.text('Internal Server Error', 500)
}
