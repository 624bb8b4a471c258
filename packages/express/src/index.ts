import type { LlmClient } from '@llm-session/core'

export type { ChatStreamSource as CompletionStreamLike } from '@llm-session/core'
export { llmErrorHandler } from './llm-error-handler.js'
export type { ClosableServer, LlmSessionMiddleware, LlmSessionOptions } from './llm-session.js'
export { llmSession } from './llm-session.js'
export { sendCompletionStream } from './send-completion-stream.js'

declare global {
  namespace Express {
    interface Request {
      /** The request-scoped llm-session client, set by the `llmSession()` middleware. */
      llm: LlmClient
    }
  }
}
