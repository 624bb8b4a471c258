import { inspect } from 'node:util'
import { LlmError, ProviderError, ResponseParseError, TimeoutError } from '../errors/errors.js'
import { mapTransportError } from '../session/map-transport-error.js'
import { createChatCompletionAssembler } from '../streaming/chat-completion-assembler.js'
import { StreamFramingError } from '../streaming/sse-framer.js'
import { createStreamDecoder } from '../streaming/stream-decoder.js'
import type { ChatCompletion, ChatCompletionChunk } from '../types/chat.js'
import type { CallInfo, CompletionRequest } from '../types/request.js'
import { type CallControl, createCallControl } from './call-control.js'
import { getCallInfo, setCallInfo } from './call-info.js'
import type { HttpResponse } from './http-transport.js'
import type { PreparedCall } from './prepare-call.js'
import { callInfoOf, providerCallContext, responseContext, sendChecked, withRetries } from './run-call.js'

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
  #iterator: AsyncGenerator<ChatCompletionChunk> | undefined
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
    this.#iterator = this.#run()
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

  /** OpenAI-style SSE bytes (`data: <chunk>` … `data: [DONE]`), with an `event: error` on failure. */
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
          controller.enqueue(encoder.encode(`event: error\ndata: ${JSON.stringify(errorPayload(error))}\n\n`))
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

  async *#run(): AsyncGenerator<ChatCompletionChunk> {
    const call = this.#call
    const control = createCallControl(call.timeout, call.signals)
    this.#control = control
    if (this.#pendingAbort !== undefined) control.abort(this.#pendingAbort)
    const started = performance.now()
    let response: HttpResponse | undefined
    let info: CallInfo | undefined
    let idleTimer: NodeJS.Timeout | undefined
    let completed = false
    try {
      const sent = await withRetries(call, control, async () => {
        const request = await call.provider.createChatRequest(
          this.#request,
          providerCallContext(call, control),
          { stream: true },
        )
        return sendChecked(call, control, request)
      })
      response = sent.value
      info = callInfoOf(call, response, sent.attempts, 0)
      setCallInfo(this, info)
      const body = response.body
      const context = responseContext(call, response, this.#request)
      const mapper = call.provider.createChunkMapper(context)
      const decoder = createStreamDecoder(call.provider.streamFormat, { maxEventSize: call.maxResponseBytes })
      const assembler = createChatCompletionAssembler()
      const arm = () => {
        idleTimer = setTimeout(
          () =>
            body.destroy(
              new TimeoutError(`no stream data for ${call.idleTimeout} ms`, {
                timeout: 'idle',
                retryable: false,
              }),
            ),
          call.idleTimeout,
        )
      }
      arm()
      for await (const bytes of body) {
        clearTimeout(idleTimer)
        // After the terminator, drain the rest so the socket can be reused.
        if (!mapper.finished) {
          for (const event of decoder.push(bytes as Buffer)) {
            for (const chunk of mapper.map(event)) {
              assembler.add(chunk)
              yield chunk
            }
            if (mapper.finished) break
          }
        }
        arm()
      }
      clearTimeout(idleTimer)
      if (!mapper.finished) {
        for (const event of decoder.end()) {
          for (const chunk of mapper.map(event)) {
            assembler.add(chunk)
            yield chunk
          }
          if (mapper.finished) break
        }
      }
      if (!mapper.finished)
        throw new ResponseParseError(`${call.providerName} stream ended before its terminator ([DONE])`, {
          provider: call.providerName,
          status: response.status,
          requestId: context.requestId,
        })
      completed = true
      this.#settle.resolve(assembler.result())
    } catch (raw) {
      const error = control.translate(toStreamError(raw, call, response))
      this.#settle.reject(error)
      throw error
    } finally {
      clearTimeout(idleTimer)
      if (!completed) {
        response?.body.destroy()
        this.#settle.reject(abortError('The stream was closed before its end'))
      }
      if (info !== undefined) info.latencyMs = Math.round(performance.now() - started)
      control.dispose()
    }
  }
}

function toStreamError(error: unknown, call: PreparedCall, response: HttpResponse | undefined): unknown {
  if (error instanceof StreamFramingError)
    return new ResponseParseError(`${call.providerName} stream: ${error.message}`, {
      provider: call.providerName,
      status: response?.status,
      cause: error,
    })
  return mapTransportError(error, { origin: call.baseUrl, sessionId: call.sessionId })
}

function errorPayload(error: unknown): { error: Record<string, unknown> } {
  if (error instanceof ProviderError)
    return {
      error: {
        message: error.message,
        type: error.type ?? error.name,
        code: error.providerCode ?? error.code,
        status: error.status,
      },
    }
  if (error instanceof LlmError)
    return { error: { message: error.message, type: error.name, code: error.code } }
  const name = (error as { name?: unknown })?.name
  return {
    error: {
      message: name === 'AbortError' ? 'aborted' : 'stream failed',
      type: typeof name === 'string' ? name : 'Error',
    },
  }
}
