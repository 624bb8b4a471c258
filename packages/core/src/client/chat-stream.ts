import { inspect } from 'node:util'
import { ResponseParseError } from '../errors/errors.js'
import { mapErrorToCallerBody } from '../errors/map-llm-error-to-http.js'
import type { ChunkMapper, StreamEvent } from '../providers/provider.js'
import {
  type ChatCompletionAssembler,
  createChatCompletionAssembler,
} from '../streaming/chat-completion-assembler.js'
import { createStreamBodyTimers, type StreamBodyTimers } from '../streaming/create-stream-body-timers.js'
import { StreamFramingError } from '../streaming/sse-framer.js'
import { createStreamDecoder } from '../streaming/stream-decoder.js'
import type { ChatCompletion, ChatCompletionChunk } from '../types/chat.js'
import type { CallInfo, CompletionRequest } from '../types/request.js'
import { type CallControl, createCallControl } from './call-control.js'
import { getCallInfo, setCallInfo } from './call-info.js'
import type { CallScope } from './call-scope.js'
import type { HttpResponse } from './http-transport.js'
import { openStream, openStreamWithMiddleware, reportChunks } from './open-stream.js'
import type { PreparedCall } from './prepare-call.js'
import { callInfoOf, responseContext, scrubError, toCallError } from './run-call.js'
import { createStreamGuard, type StreamGuard } from './stream-guard.js'

const abortError = (message: string) => new DOMException(message, 'AbortError')

/**
 * A streamed completion. Iterate it for OpenAI chunks, or await `finalCompletion()`, or relay
 * `toSSEStream()`. Starts on first use; read it once. Retries only before the first byte of the
 * body is read, never after chunks reached the caller.
 * @example
 * const s = llm.stream({ model: 'openai/gpt-4o-mini', messages })
 * for await (const chunk of s) process.stdout.write(chunk.choices[0]?.delta.content ?? '')
 * const completion = await s.finalCompletion()
 */
export class ChatStream implements AsyncIterable<ChatCompletionChunk> {
  readonly #call: PreparedCall
  readonly #request: CompletionRequest
  #control: CallControl | undefined
  #pendingAbort: unknown
  #iterator: AsyncIterator<ChatCompletionChunk> | undefined
  readonly #final: Promise<ChatCompletion>
  #settle!: { resolve(value: ChatCompletion): void; reject(error: unknown): void }

  /** @internal Use `client.stream()`. */
  constructor(call: PreparedCall, request: CompletionRequest) {
    this.#call = call
    this.#request = request
    this.#final = new Promise<ChatCompletion>((resolve, reject) => {
      this.#settle = { resolve, reject }
    })
    this.#final.catch(() => {})
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    if (this.#iterator !== undefined) throw new Error('a ChatStream can be read only once')
    this.#iterator = new ChunkIterator(this.#run())
    return this.#iterator
  }

  /** The assembled completion. Reads the stream to its end if nothing else does. */
  finalCompletion(): Promise<ChatCompletion> {
    if (this.#iterator === undefined) {
      const iterator = this[Symbol.asyncIterator]()
      void (async () => {
        while (!(await iterator.next()).done) {}
      })().catch(() => {})
    }
    return this.#final
  }

  /**
   * OpenAI-style SSE bytes (`data: <chunk>` … `data: [DONE]`), with an `event: error` on failure
   * whose data is the fixed body of `mapLlmErrorToHttp` (type, code, request id): never the
   * provider's message, a base URL or a key, as these bytes usually go to a browser.
   */
  toSSEStream(): ReadableStream<Uint8Array> {
    const iterator = this[Symbol.asyncIterator]()
    const encoder = new TextEncoder()
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { value, done } = await iterator.next()
          if (done) {
            controller.enqueue(encoder.encode('data: [DONE]\n\n'))
            controller.close()
          } else controller.enqueue(encoder.encode(`data: ${JSON.stringify(value)}\n\n`))
        } catch (error) {
          controller.enqueue(
            encoder.encode(`event: error\ndata: ${JSON.stringify(mapErrorToCallerBody(error))}\n\n`),
          )
          controller.close()
        }
      },
      cancel: async () => {
        this.abort()
        await iterator.return?.(undefined)
      },
    })
  }

  /** Aborts the call and releases its socket at once; readers get an AbortError. */
  abort(): void {
    const reason = abortError('The stream was aborted')
    if (this.#control === undefined) this.#pendingAbort = reason
    else this.#control.abort(reason)
  }

  /** Provider, session, attempts, request id… once the response headers arrived. */
  get callInfo(): CallInfo | undefined {
    return getCallInfo(this)
  }

  toJSON(): Record<string, unknown> {
    return {
      type: 'ChatStream',
      provider: this.#call.providerName,
      model: this.#call.model,
      sessionId: this.#call.sessionId,
    }
  }

  [inspect.custom](): string {
    return `ChatStream ${JSON.stringify(this.toJSON())}`
  }

  // Yields the chunks of each network read together; ChunkIterator hands them out one by one.
  async *#run(): AsyncGenerator<ChatCompletionChunk[], void, undefined> {
    let call = this.#call
    const control = createCallControl(call.timeout, call.signals)
    this.#control = control
    if (this.#pendingAbort !== undefined) control.abort(this.#pendingAbort)
    const started = performance.now()
    let response: HttpResponse | undefined
    let info: CallInfo | undefined
    let timers: StreamBodyTimers | undefined
    let guard: StreamGuard | undefined
    let completed = false
    let scope: CallScope | undefined
    let failure: unknown
    try {
      let sent: { value: HttpResponse; attempts: number }
      if (call.middleware === undefined) sent = await openStream(call, control, this.#request)
      else {
        const through = await openStreamWithMiddleware(call, control, this.#request)
        sent = through.value.sent
        call = through.value.call
        scope = through.scope
      }
      response = sent.value
      // The response arrived: the total timeout stops here, idleTimeout and streamTimeout rule the body.
      control.stopTotalTimer()
      info = callInfoOf(call, response, sent.attempts, 0)
      if (call.deployment !== undefined) info.deployment = call.deployment
      setCallInfo(this, info)
      const body = response
      const context = responseContext(call, response, this.#request)
      const mapper = call.provider.createChunkMapper(context)
      const decoder = createStreamDecoder(call.provider.streamFormat, { maxEventSize: call.maxResponseBytes })
      const assembler = createChatCompletionAssembler()
      guard = createStreamGuard({
        provider: call.providerName,
        maxBytes: call.maxStreamBytes,
        readerTimeout: call.readerTimeout,
        onStall: (error) => {
          control.abort(error)
          this.#settle.reject(scrubError(error, call))
        },
      })
      timers = createStreamBodyTimers(body, call)
      try {
        // Bytes straight from the handler: queued ones taken at once, a promise only to wait for the network.
        for (;;) {
          let bytes = body.take()
          if (bytes === undefined) bytes = await body.wait()
          if (bytes == null) break
          timers.received()
          guard.count(bytes.length)
          const { batch, failed, error } = mapEvents(decoder.push(bytes), mapper, assembler)
          if (scope !== undefined && batch.length > 0) reportChunks(scope, batch.length)
          // Chunks mapped before a failing event still reach the reader first, as one by one.
          if (batch.length > 0) {
            guard.handedOut()
            yield batch
            guard.resumed()
          }
          if (failed) throw error
          // The terminator ends the stream now, whatever the server does with the connection.
          if (mapper.finished) break
          timers.waiting()
        }
      } catch (error) {
        // Silence after every choice finished (a server that holds the connection without a
        // terminator, Gemini's EOF that never comes): the answer is whole.
        if (!(timers.idled && mapper.complete === true)) throw error
      }
      timers.clear()
      // Not destroyed after the terminator: the rest is drained so the socket can be reused.
      if (mapper.finished) body.release({ graceMs: Math.min(call.idleTimeout, 1000) })
      else {
        const { batch, failed, error } = mapEvents(decoder.end(), mapper, assembler)
        if (scope !== undefined && batch.length > 0) reportChunks(scope, batch.length)
        if (batch.length > 0) yield batch
        if (failed) throw error
      }
      // A body that ended without its terminator is whole only if every choice finished
      // (openai-node accepts it too); else it was cut.
      if (!mapper.finished && mapper.complete !== true)
        throw new ResponseParseError(`${call.providerName} stream ended before its terminator ([DONE])`, {
          provider: call.providerName,
          status: response.status,
          requestId: context.requestId,
        })
      completed = true
      const result = assembler.result()
      scope?.end({ result })
      this.#settle.resolve(result)
    } catch (raw) {
      const error = scrubError(control.translate(toStreamError(raw, call, response)), call)
      failure = error
      this.#settle.reject(error)
      throw error
    } finally {
      timers?.clear()
      guard?.dispose()
      if (!completed) {
        response?.destroy()
        this.#settle.reject(abortError('The stream was closed before its end'))
      }
      if (info !== undefined) info.latencyMs = Math.round(performance.now() - started)
      // Ended once: by its result, its error, or here when its reader stopped reading.
      scope?.end(failure === undefined ? { abandoned: true } : { error: failure })
      control.dispose()
    }
  }
}

/** Maps framed events to chunks until the terminator; an error ends the batch and is returned with it. */
function mapEvents(
  events: StreamEvent[],
  mapper: ChunkMapper,
  assembler: ChatCompletionAssembler,
): { batch: ChatCompletionChunk[]; failed: boolean; error: unknown } {
  const batch: ChatCompletionChunk[] = []
  try {
    for (const event of events) {
      for (const chunk of mapper.map(event)) {
        assembler.add(chunk)
        batch.push(chunk)
      }
      if (mapper.finished) break
    }
  } catch (error) {
    return { batch, failed: true, error }
  }
  return { batch, failed: false, error: undefined }
}

/**
 * Hands out the chunks of each batch one by one: one generator step per network read instead of
 * one per chunk, which costs a few promise turns each. Ending, errors and `return()` are the
 * generator's own.
 */
class ChunkIterator implements AsyncIterator<ChatCompletionChunk> {
  readonly #batches: AsyncGenerator<ChatCompletionChunk[], void, undefined>
  #batch: ChatCompletionChunk[] = []
  #index = 0
  #pulling: Promise<IteratorResult<ChatCompletionChunk>> | undefined

  constructor(batches: AsyncGenerator<ChatCompletionChunk[], void, undefined>) {
    this.#batches = batches
  }

  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (this.#pulling === undefined && this.#index < this.#batch.length)
      return Promise.resolve({ value: this.#batch[this.#index++]!, done: false })
    // A next() while another waits for a batch is served after it, in order.
    const previous = this.#pulling
    const pulled = previous === undefined ? this.#pull() : previous.then(this.#pullAgain, this.#pullAgain)
    this.#pulling = pulled
    const clear = () => {
      if (this.#pulling === pulled) this.#pulling = undefined
    }
    pulled.then(clear, clear)
    return pulled
  }

  readonly #pullAgain = () => this.#pull()

  async #pull(): Promise<IteratorResult<ChatCompletionChunk>> {
    while (this.#index >= this.#batch.length) {
      const result = await this.#batches.next()
      if (result.done) return { value: undefined, done: true }
      this.#batch = result.value
      this.#index = 0
    }
    return { value: this.#batch[this.#index++]!, done: false }
  }

  async return(value?: unknown): Promise<IteratorResult<ChatCompletionChunk>> {
    this.#batch = []
    this.#index = 0
    await this.#batches.return(undefined)
    return { value, done: true } as IteratorResult<ChatCompletionChunk>
  }

  async throw(error?: unknown): Promise<IteratorResult<ChatCompletionChunk>> {
    this.#batch = []
    this.#index = 0
    await this.#batches.throw(error)
    return { value: undefined, done: true }
  }

  [Symbol.asyncIterator](): this {
    return this
  }
}

function toStreamError(error: unknown, call: PreparedCall, response: HttpResponse | undefined): unknown {
  if (error instanceof StreamFramingError)
    return new ResponseParseError(`${call.providerName} stream: ${error.message}`, {
      provider: call.providerName,
      status: response?.status,
      cause: error,
    })
  return toCallError(error, call, response?.status)
}
