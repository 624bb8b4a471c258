import { mapLlmErrorToHttp } from '@llm-session/core'
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express'

/**
 * Opt-in error middleware: answers `LlmError`s with an OpenAI-style JSON error (429 with Retry-After,
 * 504 on timeouts, 502 on provider failures, 400 on bad input) and passes anything else on.
 * `app.use(llmErrorHandler)`, without parentheses, works too: the function is its own handler.
 * @example
 * app.use(llmErrorHandler())
 */
export function llmErrorHandler(): ErrorRequestHandler
export function llmErrorHandler(
  error: unknown,
  request: Request,
  response: Response,
  next: NextFunction,
): void
export function llmErrorHandler(
  error?: unknown,
  request?: Request,
  response?: Response,
  next?: NextFunction,
): ErrorRequestHandler | undefined {
  // Four parameters, so Express takes the bare function for an error handler (it counts them):
  // `app.use(llmErrorHandler)` answers errors instead of being skipped for them and hanging others.
  if (response !== undefined && next !== undefined) {
    handleLlmError(error, request as Request, response, next)
    return undefined
  }
  return handleLlmError
}

function handleLlmError(error: unknown, _request: Request, response: Response, next: NextFunction): void {
  const mapped = mapLlmErrorToHttp(error)
  if (mapped === undefined || response.headersSent) {
    next(error)
    return
  }
  // The caller gets a fixed message; the detail (a key not set, a proxy refusing) is for the server log.
  if (mapped.status >= 500) {
    const { name, code, message } = error as { name: string; code: string; message: string }
    console.error(`llm call failed: ${name} (${code}): ${message}`)
  }
  response.status(mapped.status).set(mapped.headers).json(mapped.body)
}
