import type { LlmClient } from '@llm-session/core'

export type { ChatStreamSource as CompletionStreamLike } from '@llm-session/core'
export { llmErrorHandler } from './llm-error-handler.js'
export type {
  ClosableServer,
  LlmSessionEnv,
  LlmSessionMiddleware,
  LlmSessionOptions,
  LlmSessionVariables,
} from './llm-session.js'
export { llmSession } from './llm-session.js'
export { sendCompletionStream } from './send-completion-stream.js'

// As hono's own middleware do: `c.var.llm` and `c.get('llm')` are typed on a plain `new Hono()`.
declare module 'hono' {
  interface ContextVariableMap {
    /** The request-scoped llm-session client, set by the `llmSession()` middleware. */
    llm: LlmClient
  }
}
