export type { ChatStreamSource as CompletionStreamLike } from '@llm-session/core'
export { LlmClient } from './llm-client.js'
export { LlmExceptionFilter } from './llm-exception.filter.js'
export { LlmRequestClient } from './llm-request-client.js'
export { LLM_SESSION } from './llm-session.constants.js'
export { InjectLlmSession, Llm } from './llm-session.decorators.js'
export { LlmSessionModule } from './llm-session.module.js'
export type {
  LlmSessionModuleAsyncOptions,
  LlmSessionModuleOptions,
  LlmSessionOptionsFactory,
} from './llm-session.module-definition.js'
export { LLM_SESSION_MODULE_OPTIONS } from './llm-session.module-definition.js'
export type { NestResponse } from './send-completion-stream.js'
export { sendCompletionStream } from './send-completion-stream.js'
