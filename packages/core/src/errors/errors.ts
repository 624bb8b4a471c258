/**
 * Every error llm-session throws. Each class has a stable string `code`, keeps the
 * original error as `cause`, says whether a retry may help (`retryable`), and carries
 * a `Symbol.for` brand so `instanceof` works across two copies of the package.
 */

const kLlmError = Symbol.for('llm-session.error')

/**
 * Options every `LlmError` takes: the original error and whether a retry may help.
 * @example
 * throw new ConnectionError('the proxy refused', { cause: error, retryable: false })
 */
export interface LlmErrorOptions {
  cause?: unknown
  retryable?: boolean
}

/**
 * The base of every error llm-session throws.
 * @example
 * try { await llm.completion(request) } catch (error) {
 *   if (error instanceof LlmError) console.log(error.code, error.retryable)
 * }
 */
export class LlmError extends Error {
  readonly code: string = 'LLM_ERROR'
  readonly retryable: boolean

  constructor(message: string, options: LlmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'LlmError'
    this.retryable = options.retryable ?? false
  }

  get [kLlmError](): true {
    return true
  }

  static override [Symbol.hasInstance](instance: unknown): boolean {
    if (typeof instance !== 'object' || instance === null) return false
    if (this === LlmError) return (instance as Record<symbol, unknown>)[kLlmError] === true
    return Function.prototype[Symbol.hasInstance].call(this, instance) || hasBrandOf(instance, this)
  }
}

/** Same-named class from another copy of the package: match by brand and the chain of names. */
function hasBrandOf(instance: object, errorClass: Function): boolean {
  if ((instance as Record<symbol, unknown>)[kLlmError] !== true) return false
  const wanted = (errorClass.prototype as { [kErrorName]?: string })[kErrorName]
  if (wanted === undefined) return false
  for (let proto = Object.getPrototypeOf(instance); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, kErrorName) && proto[kErrorName] === wanted) return true
  }
  return false
}

const kErrorName = Symbol.for('llm-session.error.name')

function brand(errorClass: Function, name: string): void {
  Object.defineProperty(errorClass.prototype, kErrorName, { value: name })
}

/**
 * A caller's option or request input is wrong. Thrown before any I/O.
 * @example
 * try { createClient({ retries: -1 }) } catch (error) {
 *   if (error instanceof InvalidArgumentError) console.log(error.field) // 'retries'
 * }
 */
export class InvalidArgumentError extends LlmError {
  override readonly code: string = 'LLM_INVALID_ARGUMENT'
  /** The option or field that is wrong, as a path like `messages[2].role`. */
  readonly field: string | undefined

  constructor(message: string, options: LlmErrorOptions & { field?: string } = {}) {
    super(message, { ...options, retryable: false })
    this.name = 'InvalidArgumentError'
    this.field = options.field
  }
}

/**
 * The server's own configuration is wrong or incomplete: a key that is not set, a credentials file
 * that cannot be read. A subclass of `InvalidArgumentError` (thrown before any I/O, with `field`),
 * but an HTTP caller gets a 500 with a generic message from `mapLlmErrorToHttp`: the detail (env var
 * names, file paths) is for the server log, not for the caller.
 * @example
 * catch (error) { if (error instanceof ConfigurationError) logger.error(error.message) } // 'OPENAI_API_KEY is not set…'
 */
export class ConfigurationError extends InvalidArgumentError {
  override readonly code: string = 'LLM_CONFIGURATION'

  constructor(message: string, options: LlmErrorOptions & { field?: string } = {}) {
    super(message, options)
    this.name = 'ConfigurationError'
  }
}

/**
 * A request was made on a session that is closed or destroyed.
 * @example
 * await session.close()
 * await llm.completion(request) // rejects with SessionClosedError, opens no socket
 */
export class SessionClosedError extends LlmError {
  override readonly code = 'LLM_SESSION_CLOSED'
  readonly sessionId: string | undefined

  constructor(message: string, options: LlmErrorOptions & { sessionId?: string } = {}) {
    super(message, { ...options, retryable: false })
    this.name = 'SessionClosedError'
    this.sessionId = options.sessionId
  }
}

/**
 * A connect, headers, body, idle or total timeout ran out.
 * @example
 * catch (error) { if (error instanceof TimeoutError && error.timeout === 'idle') retryLater() }
 */
export class TimeoutError extends LlmError {
  override readonly code = 'LLM_TIMEOUT'
  /** Which clock ran out. */
  readonly timeout: 'connect' | 'headers' | 'body' | 'idle' | 'stream' | 'reader' | 'total'

  constructor(
    message: string,
    options: LlmErrorOptions & {
      timeout?: 'connect' | 'headers' | 'body' | 'idle' | 'stream' | 'reader' | 'total'
    } = {},
  ) {
    super(message, { retryable: true, ...options })
    this.name = 'TimeoutError'
    this.timeout = options.timeout ?? 'total'
  }
}

/**
 * The transport failed: refused, reset, TLS, DNS, proxy. The undici error is the `cause`.
 * @example
 * catch (error) { if (error instanceof ConnectionError) console.log(error.message, error.cause) }
 */
export class ConnectionError extends LlmError {
  override readonly code: string = 'LLM_CONNECTION'

  constructor(message: string, options: LlmErrorOptions = {}) {
    super(message, { retryable: true, ...options })
    this.name = 'ConnectionError'
  }
}

/**
 * The proxy refused the tunnel (407, 403, any non-200 answer) or closed it. Names the proxy's
 * answer, never its credentials. A `ConnectionError`, and never an abort: `isAbortError()` is false.
 * @example
 * catch (error) { if (error instanceof ProxyError) alertOps(error.message) } // 'the proxy refused the tunnel… (407)'
 */
export class ProxyError extends ConnectionError {
  override readonly code: string = 'LLM_PROXY'

  constructor(message: string, options: LlmErrorOptions = {}) {
    super(message, { retryable: false, ...options })
    this.name = 'ProxyError'
  }
}

/**
 * What a `ProviderError` carries besides the message.
 * @example
 * new RateLimitError('slow down', { provider: 'openai', status: 429, retryAfterMs: 2000 })
 */
export interface ProviderErrorOptions extends LlmErrorOptions {
  provider: string
  status?: number | undefined
  requestId?: string | undefined
  /** The provider's own error type or code, e.g. `invalid_request_error`, `RESOURCE_EXHAUSTED`. */
  type?: string | undefined
  providerCode?: string | number | undefined
  param?: string | undefined
  /** The parsed error body, with anything that looks like a credential removed. */
  body?: unknown
  /** Milliseconds the provider asked us to wait, from headers or body. */
  retryAfterMs?: number | undefined
}

/**
 * The provider answered with an error (an HTTP status, or an error inside a 200 stream).
 * @example
 * catch (error) { if (error instanceof ProviderError) log.warn({ provider: error.provider, status: error.status, requestId: error.requestId }) }
 */
export class ProviderError extends LlmError {
  override readonly code: string = 'LLM_PROVIDER_ERROR'
  readonly provider: string
  readonly status: number | undefined
  readonly requestId: string | undefined
  readonly type: string | undefined
  readonly providerCode: string | number | undefined
  readonly param: string | undefined
  readonly body: unknown
  readonly retryAfterMs: number | undefined

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options)
    this.name = 'ProviderError'
    this.provider = options.provider
    this.status = options.status
    this.requestId = options.requestId
    this.type = options.type
    this.providerCode = options.providerCode
    this.param = options.param
    this.body = options.body
    this.retryAfterMs = options.retryAfterMs
  }
}

function providerErrorClass<const Code extends string>(name: string, code: Code, retryable: boolean) {
  const ErrorClass = class extends ProviderError {
    override readonly code: Code = code
    constructor(message: string, options: ProviderErrorOptions) {
      super(message, { retryable, ...options })
      this.name = name
    }
  }
  Object.defineProperty(ErrorClass, 'name', { value: name })
  brand(ErrorClass, name)
  return ErrorClass
}

/**
 * 400: the provider rejected the request.
 * @example
 * catch (error) { if (error instanceof BadRequestError) console.log(error.param, error.providerCode) }
 */
export const BadRequestError = providerErrorClass('BadRequestError', 'LLM_BAD_REQUEST', false)
export type BadRequestError = InstanceType<typeof BadRequestError>
/**
 * 401, or a provider's own "invalid key" answer.
 * @example
 * catch (error) { if (error instanceof AuthenticationError) alertOps(`bad key for ${error.provider}`) }
 */
export const AuthenticationError = providerErrorClass('AuthenticationError', 'LLM_AUTHENTICATION', false)
export type AuthenticationError = InstanceType<typeof AuthenticationError>
/**
 * 403 (and Anthropic's 402 billing error).
 * @example
 * catch (error) { if (error instanceof PermissionDeniedError) console.log(error.status) } // 403 or 402
 */
export const PermissionDeniedError = providerErrorClass(
  'PermissionDeniedError',
  'LLM_PERMISSION_DENIED',
  false,
)
export type PermissionDeniedError = InstanceType<typeof PermissionDeniedError>
/**
 * 404: unknown model, deployment or route.
 * @example
 * catch (error) { if (error instanceof NotFoundError) console.log('unknown model or deployment') }
 */
export const NotFoundError = providerErrorClass('NotFoundError', 'LLM_NOT_FOUND', false)
export type NotFoundError = InstanceType<typeof NotFoundError>
/**
 * The prompt is longer than the model's context window.
 * @example
 * catch (error) { if (error instanceof ContextWindowExceededError) messages = summarize(messages) }
 */
export const ContextWindowExceededError = providerErrorClass(
  'ContextWindowExceededError',
  'LLM_CONTEXT_WINDOW_EXCEEDED',
  false,
)
export type ContextWindowExceededError = InstanceType<typeof ContextWindowExceededError>
/**
 * The provider's safety system blocked the prompt or the answer.
 * @example
 * catch (error) { if (error instanceof ContentPolicyViolationError) reply('That request was blocked.') }
 */
export const ContentPolicyViolationError = providerErrorClass(
  'ContentPolicyViolationError',
  'LLM_CONTENT_POLICY_VIOLATION',
  false,
)
export type ContentPolicyViolationError = InstanceType<typeof ContentPolicyViolationError>
/**
 * 429. `retryAfterMs` holds the provider's requested wait when it gave one.
 * @example
 * catch (error) { if (error instanceof RateLimitError && !error.retryable) disableProvider(error.provider) }
 */
export const RateLimitError = providerErrorClass('RateLimitError', 'LLM_RATE_LIMIT', true)
export type RateLimitError = InstanceType<typeof RateLimitError>
/**
 * 500 and other 5xx without a more specific class.
 * @example
 * catch (error) { if (error instanceof InternalServerError) fallbackToAnotherProvider() }
 */
export const InternalServerError = providerErrorClass('InternalServerError', 'LLM_INTERNAL_SERVER', true)
export type InternalServerError = InstanceType<typeof InternalServerError>
/**
 * 503, 529 (overloaded) and 502/504 gateways.
 * @example
 * catch (error) { if (error instanceof ServiceUnavailableError) console.log(error.status) } // 503, 529…
 */
export const ServiceUnavailableError = providerErrorClass(
  'ServiceUnavailableError',
  'LLM_SERVICE_UNAVAILABLE',
  true,
)
export type ServiceUnavailableError = InstanceType<typeof ServiceUnavailableError>
/**
 * The provider's answer could not be read: malformed JSON, a truncated stream, an oversized body.
 * @example
 * catch (error) { if (error instanceof ResponseParseError) console.log(error.provider, error.requestId) }
 */
export const ResponseParseError = providerErrorClass('ResponseParseError', 'LLM_RESPONSE_PARSE', false)
export type ResponseParseError = InstanceType<typeof ResponseParseError>

/**
 * A 3xx from a provider. Redirects are never followed (the key would travel with them): set the
 * base URL to where the provider really answers. The same class for every provider; not retried.
 * @example
 * catch (error) { if (error instanceof RedirectError) console.log(error.status) } // 301, 302, 307…
 */
export const RedirectError = providerErrorClass('RedirectError', 'LLM_REDIRECT', false)
export type RedirectError = InstanceType<typeof RedirectError>

brand(LlmError, 'LlmError')
brand(InvalidArgumentError, 'InvalidArgumentError')
brand(ConfigurationError, 'ConfigurationError')
brand(SessionClosedError, 'SessionClosedError')
brand(TimeoutError, 'TimeoutError')
brand(ConnectionError, 'ConnectionError')
brand(ProxyError, 'ProxyError')
brand(ProviderError, 'ProviderError')

/**
 * True for the standard abort error a caller's `AbortSignal` produces.
 * @example
 * try { await llm.completion({ ...request, signal }) } catch (error) { if (isAbortError(error)) return }
 */
export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: unknown }).name === 'AbortError' ||
      (error as { code?: unknown }).code === 'ABORT_ERR')
  )
}
