export type {
  BindingRuntime,
  BindingRuntimeSettings,
  RequestClientOptions,
} from './bindings/create-binding-runtime.js'
export { createBindingRuntime } from './bindings/create-binding-runtime.js'
export { createResponseCloseSignal } from './bindings/create-response-close-signal.js'
export type { ChatStreamSource } from './bindings/open-chat-sse-frames.js'
export { chatSseHeaders, openChatSseFrames } from './bindings/open-chat-sse-frames.js'
export type { PipeChatStreamOptions } from './bindings/pipe-chat-stream-to-response.js'
export { pipeChatStreamToResponse } from './bindings/pipe-chat-stream-to-response.js'
export type { BindingOptions } from './bindings/validate-binding-options.js'
export { validateBindingOptions } from './bindings/validate-binding-options.js'
export { getCallInfo } from './client/call-info.js'
export type {
  CallAttemptErrorEvent,
  CallAttemptEvent,
  CallAttemptResponseEvent,
  CallEndEvent,
  CallMiddleware,
  CallNext,
  CallObserver,
  CallOperation,
  CallOutcome,
  CallRoute,
  CallRouteInfo,
  LlmCall,
} from './client/call-middleware.js'
export { ChatStream } from './client/chat-stream.js'
export type {
  AzureProviderSettings,
  ClientBindingOptions,
  ClientOptions,
  ClientProviderSettings,
  CloseSource,
  ProviderSettings,
} from './client/client-options.js'
export type { LlmClient } from './client/create-client.js'
export { createClient } from './client/create-client.js'
export type {
  UntrustedChatField,
  UntrustedChatRequest,
  UntrustedChatRequestOptions,
} from './client/parse-untrusted-chat-request.js'
export { parseUntrustedChatRequest } from './client/parse-untrusted-chat-request.js'
export { completion, embedding, stream } from './client/top-level-functions.js'
export type { LlmErrorOptions, ProviderErrorOptions } from './errors/errors.js'
export {
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
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
  ProxyError,
  RateLimitError,
  RedirectError,
  ResponseParseError,
  ServiceUnavailableError,
  SessionClosedError,
  TimeoutError,
} from './errors/errors.js'
export type { LlmErrorHttpResponse } from './errors/map-llm-error-to-http.js'
export { mapLlmErrorToHttp } from './errors/map-llm-error-to-http.js'
export type { MemoryLimitStore, MemoryLimitStoreOptions } from './fleet/create-memory-limit-store.js'
export { createMemoryLimitStore } from './fleet/create-memory-limit-store.js'
export type {
  Lease,
  LeaseSettlement,
  LimiterRequest,
  RateLimiter,
  RateLimiterOptions,
} from './fleet/create-rate-limiter.js'
export { createRateLimiter } from './fleet/create-rate-limiter.js'
export type {
  DeploymentOptions,
  ModelGroups,
  RoutingOptions,
  RoutingStrategy,
} from './fleet/deployment-options.js'
export { estimateCallTokens } from './fleet/estimate-call-tokens.js'
export type {
  AcquireRequest,
  AcquireResult,
  CooldownPolicy,
  DeploymentLimits,
  DeploymentOutcome,
  LimitName,
  LimitStore,
  ObservedProviderLimits,
  SettleRequest,
} from './fleet/limit-store.js'
export { readProviderLimits } from './fleet/read-provider-limits.js'
export type { AwsCredentials, AwsCredentialsProvider } from './providers/bedrock/bedrock-credentials.js'
export type { BedrockProviderSettings } from './providers/bedrock/bedrock-endpoint.js'
export { listProviderNames } from './providers/registry.js'
export type { LlmSession, SessionStats } from './session/create-session.js'
export { createSession } from './session/create-session.js'
export { getDefaultSession, setDefaultSession } from './session/default-session.js'
export type { SessionLogger, SessionOptions, SessionTlsOptions } from './session/session-options.js'
export type { ChatCompletionAssembler } from './streaming/chat-completion-assembler.js'
export {
  assembleChatCompletion,
  createChatCompletionAssembler,
} from './streaming/chat-completion-assembler.js'
export type { LlmCallChannelMessage } from './telemetry/call-tracing-channel.js'
export { callTracingChannelName } from './telemetry/call-tracing-channel.js'
export type { TelemetryOptions } from './telemetry/create-telemetry.js'
export type { SessionMetrics } from './telemetry/observe-session-metrics.js'
export { observeSessionMetrics } from './telemetry/observe-session-metrics.js'
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
  ThinkingBlock,
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
