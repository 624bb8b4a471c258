import { mapLlmErrorToHttp } from '@llm-session/core'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

/**
 * Opt-in error handler: answers `LlmError`s with an OpenAI-style JSON error (429 with Retry-After,
 * 504 on timeouts, 502 on provider failures, 400 on bad input); anything else gets Fastify's default.
 * @example
 * app.setErrorHandler(llmErrorHandler)
 */
export function llmErrorHandler(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  // `app.setErrorHandler(llmErrorHandler())` calls the handler itself at setup, with nothing.
  if (reply === undefined)
    throw new TypeError(
      '@llm-session/fastify: llmErrorHandler is the handler itself: write app.setErrorHandler(llmErrorHandler), without parentheses',
    )
  const mapped = mapLlmErrorToHttp(error)
  if (mapped === undefined) return reply.send(error)
  const level = mapped.status >= 500 ? 'error' : 'info'
  request.log[level]({ err: error }, 'llm call failed')
  return reply.code(mapped.status).headers(mapped.headers).send(mapped.body)
}
