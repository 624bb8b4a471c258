import {
  InvalidArgumentError,
  isAbortError,
  LlmError,
  ProviderError,
  RedirectError,
  ResponseParseError,
} from '../errors/errors.js'
import type {
  ProviderCallContext,
  ProviderHttpRequest,
  ProviderResponseContext,
} from '../providers/provider.js'
import { mapTransportError } from '../session/map-transport-error.js'
import type { ChatCompletion, EmbeddingResponse } from '../types/chat.js'
import type { CallInfo, CompletionRequest, EmbeddingRequest } from '../types/request.js'
import { type CallControl, createCallControl } from './call-control.js'
import { setCallInfo } from './call-info.js'
import type { CallScope } from './call-scope.js'
import {
  dispatchHttp,
  type ExchangeReceiver,
  type HttpResponse,
  rateLimitHeadersOf,
  requestIdOf,
  sendHttp,
} from './http-transport.js'
import type { PreparedCall } from './prepare-call.js'
import { redactText, redactValue, scrubCallError, secretsOfCall } from './redact-call-secrets.js'
import { parseRetryAfterHeaders, retryDelayMs, shouldRetryHeader } from './retry-policy.js'
import { runJsonWithMiddleware } from './run-with-middleware.js'

/**
 * Any error of an attempt, in the taxonomy. Transport errors (they carry a `code`: undici's and
 * Node's) become ConnectionError / TimeoutError; anything else thrown while reading the answer,
 * such as a TypeError from an unexpected body shape, is the provider's output we could not read:
 * a ResponseParseError, never a retryable connection failure.
 */
export function toCallError(error: unknown, call: PreparedCall, status?: number): unknown {
  if (error instanceof LlmError) return error
  // Before the abort check: a proxy refusing the tunnel comes as an AbortError, yet is no abort.
  if (isTransportError(error))
    return mapTransportError(error, { origin: call.baseUrl, sessionId: call.sessionId })
  if (isAbortError(error)) return error
  if (isUnserializable(error))
    return new InvalidArgumentError(
      `the request cannot be sent as JSON (${(error as Error).message.split('\n')[0]})`,
      { field: 'request' },
    )
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return new ResponseParseError(`could not read the ${call.providerName} response (${reason})`, {
    provider: call.providerName,
    status,
    cause: error,
  })
}

/** JSON.stringify's TypeError for a circular structure or a BigInt in the caller's request. */
function isUnserializable(error: unknown): boolean {
  return error instanceof TypeError && /circular structure|BigInt/i.test(error.message)
}

function isTransportError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, errors } = error as { code?: unknown; errors?: unknown }
  return typeof code === 'string' || (Array.isArray(errors) && errors.some(isTransportError))
}

/** Response headers of the HTTP error an error was made from, for `x-should-retry` and `retry-after`. */
const errorHeaders = new WeakMap<object, Record<string, string>>()

/** The call's error without its secrets: the one place every error leaving a call goes through. */
export function scrubError(error: unknown, call: PreparedCall): unknown {
  return error instanceof LlmError ? scrubCallError(error, secretsOfCall(call)) : error
}

/** What a provider sees of a call: one object per attempt, its methods shared (no closure per call). */
class CallContext implements ProviderCallContext {
  readonly provider: string
  readonly model: string
  readonly apiKey: string | undefined
  readonly baseUrl: string
  readonly headers: Record<string, string>
  readonly settings: Readonly<Record<string, unknown>>
  readonly #call: PreparedCall
  readonly #control: CallControl

  constructor(call: PreparedCall, control: CallControl) {
    this.provider = call.providerName
    this.model = call.model
    this.apiKey = call.apiKey
    this.baseUrl = call.baseUrl
    this.headers = call.headers
    this.settings = call.settings
    this.#call = call
    this.#control = control
  }

  get signal(): AbortSignal {
    return this.#control.signal
  }

  async send(request: ProviderHttpRequest) {
    const call = this.#call
    const response = await sendHttp(call.dispatcher, request, sendOptions(call, this.#control, false))
    call.sentHeaders = request.headers
    return { status: response.status, headers: response.headers, body: redactedBody(call, response) }
  }
}

export function providerCallContext(call: PreparedCall, control: CallControl): ProviderCallContext {
  return new CallContext(call, control)
}

export function responseContext(
  call: PreparedCall,
  response: HttpResponse,
  request: CompletionRequest,
): ProviderResponseContext {
  return {
    provider: call.providerName,
    model: call.model,
    requestId: requestIdOf(response.headers),
    headers: response.headers,
    request,
  }
}

/** How a call's requests are sent: its signal, its body cap, whole bodies or a stream. */
export function sendOptions(call: PreparedCall, control: CallControl, stream: boolean) {
  return {
    signal: control.requestSignal,
    maxBytes: call.maxResponseBytes,
    provider: call.providerName,
    stream,
  }
}

/** A whole answer (read bounded), without the call's key, as JSON when it is JSON, else as text. */
function redactedBody(call: PreparedCall, response: HttpResponse): unknown {
  const secrets = secretsOfCall(call)
  const text = redactText(response.text, secrets)
  try {
    // Strings again after parsing: an echo that arrived JSON-escaped (\u0073k-…) is whole only now.
    return redactValue(JSON.parse(text), secrets)
  } catch {
    return text
  }
}

/**
 * Sends a provider request; a non-2xx answer is read (bounded) and thrown as the provider's typed
 * error. A JSON call's answer comes whole (`text`); a stream's at its head.
 */
export async function sendChecked(
  call: PreparedCall,
  control: CallControl,
  request: ProviderHttpRequest,
  stream: boolean,
): Promise<HttpResponse> {
  const scope = call.scope
  if (scope !== undefined) return sendObserved(call, control, request, stream, scope)
  const response = await sendHttp(call.dispatcher, request, sendOptions(call, control, stream))
  call.sentHeaders = request.headers
  if (response.status >= 200 && response.status < 300) return response
  throw httpError(call, response)
}

/** sendChecked inside middleware: each attempt's start, response head and failure are reported. */
async function sendObserved(
  call: PreparedCall,
  control: CallControl,
  request: ProviderHttpRequest,
  stream: boolean,
  scope: CallScope,
): Promise<HttpResponse> {
  scope.attemptStart()
  let response: HttpResponse
  try {
    response = await sendHttp(call.dispatcher, request, sendOptions(call, control, stream))
    call.sentHeaders = request.headers
  } catch (error) {
    scope.attemptError(control.translate(toCallError(error, call)))
    throw error
  }
  scope.attemptResponse(response.status, response.headers)
  if (response.status >= 200 && response.status < 300) return response
  const error = httpError(call, response)
  scope.attemptError(error)
  throw error
}

/** A non-2xx answer (its body read whole, bounded; a redirect's dropped), as the provider's typed error. */
function httpError(call: PreparedCall, response: HttpResponse): unknown {
  if (response.status >= 300 && response.status < 400) return redirectError(call, response)
  const error = call.provider.parseError(
    { status: response.status, headers: response.headers, body: redactedBody(call, response) },
    { provider: call.providerName, requestId: requestIdOf(response.headers) },
  )
  errorHeaders.set(error, response.headers)
  return error
}

function redirectError(call: PreparedCall, response: HttpResponse): RedirectError {
  const location = response.headers.location
  let where = ''
  try {
    if (location !== undefined) where = ` to ${new URL(location, call.baseUrl).origin}`
  } catch {}
  return new RedirectError(
    `${call.providerName} answered ${response.status}, a redirect${where}; redirects are not followed (the key would go with them): set baseUrl to where the provider answers`,
    { provider: call.providerName, status: response.status, requestId: requestIdOf(response.headers) },
  )
}

export function parseJsonBody(text: string, call: PreparedCall, response: HttpResponse): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ResponseParseError(`${call.providerName} answered with a body that is not JSON`, {
      provider: call.providerName,
      status: response.status,
      requestId: requestIdOf(response.headers),
      cause: error,
    })
  }
}

function log(call: PreparedCall, message: string, fields: Record<string, unknown>): void {
  call.logger?.debug(
    { provider: call.providerName, model: call.model, sessionId: call.sessionId, ...fields },
    message,
  )
}

/**
 * Runs `attempt` with retries as openai-node does: on retryable errors (408, 409, 429, 5xx,
 * connection errors, attempt timeouts), `x-should-retry` first, waits from `retry-after-ms` /
 * `retry-after` / the body, else exponential backoff; all inside the call's one deadline.
 * `firstFailure`: the first attempt was already made by the caller and failed this way.
 */
export async function withRetries<T>(
  call: PreparedCall,
  control: CallControl,
  attempt: (attemptNumber: number) => Promise<T>,
  firstFailure?: { error: unknown; started: number },
): Promise<{ value: T; attempts: number }> {
  // Checked once: without a logger no log fields are built.
  const logging = call.logger !== undefined
  let retry = 0
  if (firstFailure !== undefined) {
    await afterFailure(call, control, firstFailure.error, 0, firstFailure.started)
    retry = 1
  }
  for (; ; retry++) {
    const started = performance.now()
    if (logging) log(call, 'llm request start', { attempt: retry + 1 })
    try {
      const value = await attempt(retry + 1)
      if (logging)
        log(call, 'llm request end', {
          attempt: retry + 1,
          latencyMs: Math.round(performance.now() - started),
        })
      return { value, attempts: retry + 1 }
    } catch (raw) {
      await afterFailure(call, control, raw, retry, started)
    }
  }
}

/** After a failed attempt: throws the error if it is final, else waits for the next attempt. */
async function afterFailure(
  call: PreparedCall,
  control: CallControl,
  raw: unknown,
  retry: number,
  started: number,
): Promise<void> {
  const error = control.translate(toCallError(raw, call))
  const headers = typeof error === 'object' && error !== null ? errorHeaders.get(error) : undefined
  log(call, 'llm request failed', {
    attempt: retry + 1,
    status: error instanceof ProviderError ? error.status : undefined,
    code: (error as { code?: unknown })?.code,
    latencyMs: Math.round(performance.now() - started),
  })
  if (control.aborted || retry >= call.retries) throw error
  const retryable = shouldRetryHeader(headers) ?? (error instanceof LlmError && error.retryable)
  if (!retryable) throw error
  const requested =
    (headers && parseRetryAfterHeaders(headers)) ??
    (error instanceof ProviderError ? error.retryAfterMs : undefined)
  const delay = retryDelayMs(retry, requested, call.internals.random)
  if (delay >= control.remainingMs()) throw error
  log(call, 'llm request retry', { attempt: retry + 1, delayMs: Math.round(delay) })
  try {
    await call.internals.sleep(delay, control.signal)
  } catch {
    throw control.translate(error)
  }
}

function callInfoOf(
  call: PreparedCall,
  response: HttpResponse,
  attempts: number,
  latencyMs: number,
): CallInfo {
  return {
    provider: call.providerName,
    model: call.model,
    sessionId: call.sessionId,
    attempts,
    latencyMs,
    requestId: requestIdOf(response.headers),
    rateLimit: rateLimitHeadersOf(response.headers),
  }
}

type JsonKind = 'chat' | 'embedding'
type JsonRequest = CompletionRequest | EmbeddingRequest
type JsonResult<K extends JsonKind> = K extends 'chat' ? ChatCompletion : EmbeddingResponse

/** The provider request of a JSON call: synchronous for most providers, a promise for some (Vertex, Bedrock). */
function buildJsonRequest(
  call: PreparedCall,
  control: CallControl,
  request: JsonRequest,
  kind: JsonKind,
): ProviderHttpRequest | Promise<ProviderHttpRequest> {
  const context = providerCallContext(call, control)
  return kind === 'chat'
    ? call.provider.createChatRequest(request as CompletionRequest, context, { stream: false })
    : call.provider.createEmbeddingRequest!(request as EmbeddingRequest, context)
}

/** A whole 2xx answer, parsed and mapped to the OpenAI shape; a body with no choice (data) is no answer. */
function parseJsonAnswer<K extends JsonKind>(
  call: PreparedCall,
  request: JsonRequest,
  kind: K,
  response: HttpResponse,
): JsonResult<K> {
  const body = parseJsonBody(response.text, call, response)
  if (kind === 'chat')
    return checkAnswer(
      call.provider.parseChatResponse(body, responseContext(call, response, request as CompletionRequest)),
      'choices',
      call,
      response,
    ) as JsonResult<K>
  const { request: _request, ...context } = responseContext(call, response, request as CompletionRequest)
  return checkAnswer(
    call.provider.parseEmbeddingResponse!(body, context),
    'data',
    call,
    response,
  ) as JsonResult<K>
}

/** One attempt of a JSON call: build, send, read and parse. */
async function jsonAttempt<K extends JsonKind>(
  call: PreparedCall,
  control: CallControl,
  request: JsonRequest,
  kind: K,
): Promise<{ result: JsonResult<K>; response: HttpResponse }> {
  const built = buildJsonRequest(call, control, request, kind)
  const sent = isPromise(built) ? await built : built
  const response = await sendChecked(call, control, sent, false)
  return { result: parseJsonAnswer(call, request, kind, response), response }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Partial<PromiseLike<unknown>>).then === 'function'
}

/**
 * A completion or an embedding. The usual call (no logger, no middleware scope, a request built
 * synchronously) is a JsonCall: the exchange reports to it directly, so a call in flight keeps no
 * promise chain, generator or closure of its own, only the promise its caller holds. Anything else,
 * and every retry, goes through the async path.
 */
function runJsonCall<K extends JsonKind>(
  call: PreparedCall,
  request: JsonRequest,
  kind: K,
  given?: CallControl,
): Promise<JsonResult<K>> {
  if (call.logger !== undefined || call.scope !== undefined)
    return runJsonCallAsync(call, request, kind, given)
  return new Promise((resolve, reject) => {
    // Inside middleware the call's control spans all its runs: the middleware runner disposes it.
    const control = given ?? createCallControl(call.timeout, call.signals)
    const job = new JsonCall(call, request, kind, control, given === undefined, resolve, reject)
    let built: ProviderHttpRequest | Promise<ProviderHttpRequest>
    try {
      built = buildJsonRequest(call, control, request, kind)
    } catch (error) {
      job.onFailure(error)
      return
    }
    if (isPromise(built))
      built.then(
        (sent) => job.send(sent),
        (error) => job.onFailure(error),
      )
    else job.send(built)
  })
}

/** One JSON call's first attempt and what follows it: the receiver of its exchange. */
class JsonCall<K extends JsonKind> implements ExchangeReceiver {
  readonly #call: PreparedCall
  readonly #request: JsonRequest
  readonly #kind: K
  readonly #control: CallControl
  readonly #owns: boolean
  readonly #started = performance.now()
  readonly #resolve: (result: JsonResult<K>) => void
  readonly #reject: (error: unknown) => void
  #headers: Record<string, string> | undefined

  constructor(
    call: PreparedCall,
    request: JsonRequest,
    kind: K,
    control: CallControl,
    owns: boolean,
    resolve: (result: JsonResult<K>) => void,
    reject: (error: unknown) => void,
  ) {
    this.#call = call
    this.#request = request
    this.#kind = kind
    this.#control = control
    this.#owns = owns
    this.#resolve = resolve
    this.#reject = reject
  }

  send(sent: ProviderHttpRequest): void {
    this.#headers = sent.headers
    const call = this.#call
    dispatchHttp(call.dispatcher, sent, sendOptions(call, this.#control, false), this)
  }

  onAnswer(response: HttpResponse): void {
    const call = this.#call
    call.sentHeaders = this.#headers
    let result: JsonResult<K>
    try {
      if (response.status < 200 || response.status >= 300) throw httpError(call, response)
      result = parseJsonAnswer(call, this.#request, this.#kind, response)
    } catch (error) {
      this.onFailure(error)
      return
    }
    this.#finish({ result, response, attempts: 1 })
  }

  onFailure(error: unknown): void {
    if (this.#headers !== undefined) this.#call.sentHeaders = this.#headers
    retryJson(this.#call, this.#control, this.#request, this.#kind, { error, started: this.#started }).then(
      (done) => this.#finish(done),
      (failure) => this.#fail(failure),
    )
  }

  #finish(done: { result: JsonResult<K>; response: HttpResponse; attempts: number }): void {
    if (this.#owns) this.#control.dispose()
    this.#resolve(stampJson(this.#call, done, this.#started))
  }

  #fail(error: unknown): void {
    const control = this.#control
    const scrubbed = scrubError(control.translate(error), this.#call)
    if (this.#owns) control.dispose()
    this.#reject(scrubbed)
  }
}

/** runJsonCall with a logger or inside middleware: the first attempt inline, then the retry loop. */
async function runJsonCallAsync<K extends JsonKind>(
  call: PreparedCall,
  request: JsonRequest,
  kind: K,
  given?: CallControl,
): Promise<JsonResult<K>> {
  const control = given ?? createCallControl(call.timeout, call.signals)
  const started = performance.now()
  try {
    let done: { result: JsonResult<K>; response: HttpResponse; attempts: number }
    if (call.logger !== undefined) done = await retryJson(call, control, request, kind)
    else
      try {
        done = { ...(await jsonAttempt(call, control, request, kind)), attempts: 1 }
      } catch (error) {
        done = await retryJson(call, control, request, kind, { error, started })
      }
    return stampJson(call, done, started)
  } catch (error) {
    throw scrubError(control.translate(error), call)
  } finally {
    if (given === undefined) control.dispose()
  }
}

/** The retry loop of a JSON call, after a failed first attempt (or from the start, with a logger). */
async function retryJson<K extends JsonKind>(
  call: PreparedCall,
  control: CallControl,
  request: JsonRequest,
  kind: K,
  firstFailure?: { error: unknown; started: number },
): Promise<{ result: JsonResult<K>; response: HttpResponse; attempts: number }> {
  const retried = await withRetries(
    call,
    control,
    () => jsonAttempt(call, control, request, kind),
    firstFailure,
  )
  return { ...retried.value, attempts: retried.attempts }
}

/** Puts the call's info on its result, built when asked for: it holds the headers only, not the call nor the body. */
function stampJson<T extends object>(
  call: PreparedCall,
  done: { result: T; response: HttpResponse; attempts: number },
  started: number,
): T {
  const latencyMs = Math.round(performance.now() - started)
  const { providerName: provider, model, sessionId } = call
  const { headers } = done.response
  const attempts = done.attempts
  setCallInfo(done.result, () => ({
    provider,
    model,
    sessionId,
    attempts,
    latencyMs,
    requestId: requestIdOf(headers),
    rateLimit: rateLimitHeadersOf(headers),
  }))
  return done.result
}

export function runCompletion(
  call: PreparedCall,
  request: CompletionRequest,
  control?: CallControl,
): Promise<ChatCompletion> {
  if (call.middleware !== undefined && control === undefined)
    return runJsonWithMiddleware(call, request, 'chat', (routed, given) =>
      runCompletion(routed, request, given),
    )
  return runJsonCall(call, request, 'chat', control)
}

/** A 2xx whose body is not the provider's shape (`{}`) maps to no choice: that is no answer. */
function checkAnswer<T extends object>(
  result: T,
  list: 'choices' | 'data',
  call: PreparedCall,
  response: HttpResponse,
): T {
  const items = (result as Record<string, unknown>)[list]
  if (Array.isArray(items) && items.length > 0) return result
  throw new ResponseParseError(`${call.providerName} answered ${response.status} without any ${list}`, {
    provider: call.providerName,
    status: response.status,
    requestId: requestIdOf(response.headers),
  })
}

export function runEmbedding(
  call: PreparedCall,
  request: EmbeddingRequest,
  control?: CallControl,
): Promise<EmbeddingResponse> {
  if (call.middleware !== undefined && control === undefined)
    return runJsonWithMiddleware(call, request, 'embedding', (routed, given) =>
      runEmbedding(routed, request, given),
    )
  return runJsonCall(call, request, 'embedding', control)
}

export { callInfoOf }
