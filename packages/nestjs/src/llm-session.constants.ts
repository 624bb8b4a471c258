/** Injection token of the app's `LlmSession`. Prefer `@InjectLlmSession()`. */
export const LLM_SESSION = Symbol.for('@llm-session/nestjs:session')

/** Internal: the binding (session, client, ownership) the module made from its options. */
export const LLM_SESSION_BINDING = Symbol.for('@llm-session/nestjs:binding')

/** Where the middleware leaves the request's scope for `@Llm()`. */
export const REQUEST_CLIENT = Symbol.for('@llm-session/nestjs:request-client')
