export type { LlmErrorOptions, ProviderErrorOptions } from './errors/errors.js'
export {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  InvalidArgumentError,
  isAbortError,
  LlmError,
  NotFoundError,
  PermissionDeniedError,
  ProviderError,
  RateLimitError,
  ResponseParseError,
  ServiceUnavailableError,
  SessionClosedError,
  TimeoutError,
} from './errors/errors.js'
export type { LlmSession, SessionStats } from './session/create-session.js'
export { createSession } from './session/create-session.js'
export { getDefaultSession, setDefaultSession } from './session/default-session.js'
export type { SessionLogger, SessionOptions, SessionTlsOptions } from './session/session-options.js'
export type {
  AssistantMessage,
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionChunkDelta,
  ChatCompletionChunkToolCall,
  ChatCompletionMessage,
  ChatCompletionMessageToolCall,
  ChatMessage,
  ChatRole,
  CompletionUsage,
  ContentPart,
  EmbeddingItem,
  EmbeddingResponse,
  FinishReason,
  FunctionTool,
  ImageContentPart,
  ResponseFormat,
  SystemMessage,
  TextContentPart,
  ToolChoice,
  ToolMessage,
  UserMessage,
} from './types/chat.js'
export type {
  CallInfo,
  CallOptions,
  CompletionRequest,
  EmbeddingRequest,
  SessionLike,
} from './types/request.js'
