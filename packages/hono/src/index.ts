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
