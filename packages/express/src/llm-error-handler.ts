import { mapLlmErrorToHttp } from '@llm-session/core'
import type { ErrorRequestHandler } from 'express'

/**
 * Opt-in error middleware: answers `LlmError`s with an OpenAI-style JSON error (429 with Retry-After,
 * 504 on timeouts, 502 on provider failures, 400 on bad input) and passes anything else on.
 * @example
 * app.use(llmErrorHandler())
 */
export function llmErrorHandler(): ErrorRequestHandler {
  return (error, _request, response, next) => {
    const mapped = mapLlmErrorToHttp(error)
    if (mapped === undefined || response.headersSent) return next(error)
    // The caller gets a fixed message; the detail (a key not set, a proxy refusing) is for the server log.
    if (mapped.status >= 500)
      console.error(`llm call failed: ${error.name} (${error.code}): ${error.message}`)
    response.status(mapped.status).set(mapped.headers).json(mapped.body)
  }
}
