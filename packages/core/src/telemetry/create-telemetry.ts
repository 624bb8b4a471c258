import type { MeterProvider, TracerProvider } from '@opentelemetry/api'
import type { CallEndEvent, CallMiddleware, CallOutcome, LlmCall } from '../client/call-middleware.js'
import type { ConditionalMiddleware } from '../client/run-with-middleware.js'
import { InvalidArgumentError } from '../errors/errors.js'
import type { ChatCompletion } from '../types/chat.js'
import type { CompletionRequest } from '../types/request.js'
import { callTracingChannel, type LlmCallChannelMessage } from './call-tracing-channel.js'
import { captureContentFromEnv, contentAttributes } from './capture-content.js'
import {
  errorType,
  requestAttributes,
  responseAttributes,
  routeAttributes,
  type TelemetryAttributes,
} from './gen-ai-attributes.js'
import { type GenAiInstruments, genAiInstruments } from './gen-ai-metrics.js'
import {
  isOpenTelemetryRegistered,
  loadOpenTelemetry,
  type OpenTelemetryModule,
} from './load-opentelemetry.js'

/**
 * `ClientOptions.telemetry`. Telemetry is on by default and costs nothing while no OTel SDK is
 * registered and nobody subscribes to the `llm-session:call` channel; `false` turns it off.
 * @example
 * createClient({ telemetry: { captureContent: true, tracerProvider, meterProvider } })
 */
export interface TelemetryOptions {
  /** Record messages (`gen_ai.input.messages`, `gen_ai.output.messages`). Default: `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`, else off. */
  captureContent?: boolean
  /** Default: the global one an OTel SDK registered. */
  tracerProvider?: TracerProvider
  /** Default: the global one an OTel SDK registered. */
  meterProvider?: MeterProvider
}

const knownOptions = new Set(['captureContent', 'tracerProvider', 'meterProvider'])

function channelHasSubscribers(): boolean {
  const c = callTracingChannel
  return (
    c.start.hasSubscribers ||
    c.end.hasSubscribers ||
    c.asyncStart.hasSubscribers ||
    c.asyncEnd.hasSubscribers ||
    c.error.hasSubscribers
  )
}

function validateTelemetryOptions(options: unknown): TelemetryOptions | undefined {
  if (options === false) return undefined
  if (options === undefined || options === true) return {}
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError('telemetry must be false or an options object', { field: 'telemetry' })
  for (const key of Object.keys(options))
    if (!knownOptions.has(key))
      throw new InvalidArgumentError(`unknown telemetry option "${key}"`, { field: `telemetry.${key}` })
  const { captureContent, tracerProvider, meterProvider } = options as TelemetryOptions
  if (captureContent !== undefined && typeof captureContent !== 'boolean')
    throw new InvalidArgumentError('telemetry.captureContent must be a boolean', {
      field: 'telemetry.captureContent',
    })
  if (tracerProvider !== undefined && typeof tracerProvider?.getTracer !== 'function')
    throw new InvalidArgumentError('telemetry.tracerProvider must be an OTel TracerProvider', {
      field: 'telemetry.tracerProvider',
    })
  if (meterProvider !== undefined && typeof meterProvider?.getMeter !== 'function')
    throw new InvalidArgumentError('telemetry.meterProvider must be an OTel MeterProvider', {
      field: 'telemetry.meterProvider',
    })
  return options as TelemetryOptions
}

/**
 * The client's telemetry as a middleware: one CLIENT span per call (GenAI conventions), an event
 * per HTTP attempt, the GenAI client metrics, and the `llm-session:call` TracingChannel.
 * Undefined when turned off.
 */
export function createTelemetry(options: unknown): ConditionalMiddleware | undefined {
  const valid = validateTelemetryOptions(options)
  if (valid === undefined) return undefined
  const given = valid.tracerProvider !== undefined || valid.meterProvider !== undefined
  const capture = valid.captureContent ?? captureContentFromEnv()
  const otelActive = () => given || isOpenTelemetryRegistered()
  const middleware: CallMiddleware = (call, next) => {
    const otel = otelActive() ? loadOpenTelemetry() : null
    const message = channelHasSubscribers() ? channelMessage(call) : undefined
    if (otel === null) return message === undefined ? next() : publish(message, call, next, capture)
    return traceCall(otel, valid, capture, call, next, message)
  }
  return { middleware, active: () => otelActive() || channelHasSubscribers() }
}

function channelMessage(call: LlmCall): LlmCallChannelMessage {
  return {
    operation: call.operation,
    model: call.model,
    requestId: call.requestId,
    sessionId: call.sessionId,
    attributes: baseAttributes(call),
  }
}

function baseAttributes(call: LlmCall): TelemetryAttributes {
  const attributes = {
    ...routeAttributes(call.operation, call.route),
    ...requestAttributes(call.operation, call.request),
  }
  // The caller's header: kept, but bounded (it reaches every span of the call).
  if (call.requestId !== undefined) attributes['llm_session.request_id'] = call.requestId.slice(0, 128)
  return attributes
}

/** Publishes the call on the TracingChannel; `start` runs the call inside the stores subscribers bound. */
function publish(
  message: LlmCallChannelMessage,
  call: LlmCall,
  next: () => Promise<CallOutcome>,
  capture: boolean | undefined,
): Promise<CallOutcome> {
  const channel = callTracingChannel
  const base = message.attributes
  let routed = base
  call.observe({
    // Without a span (no SDK) the channel's message gets the same final attributes on its own.
    onAttemptStart({ route }) {
      if (capture !== undefined) routed = { ...base, ...routeAttributes(call.operation, route) }
    },
    onEnd(end) {
      const { result, error } = end
      if (capture !== undefined) message.attributes = finalAttributes(call, routed, end, capture)
      if (error !== undefined) {
        message.error = error
        channel.error.publish(message)
      } else if (result !== undefined) message.result = result
      channel.asyncStart.publish(message)
      channel.asyncEnd.publish(message)
    },
  })
  return channel.start.runStores(message, () => {
    try {
      return next()
    } finally {
      channel.end.publish(message)
    }
  })
}

function traceCall(
  otel: OpenTelemetryModule,
  options: TelemetryOptions,
  capture: boolean,
  call: LlmCall,
  next: () => Promise<CallOutcome>,
  message: LlmCallChannelMessage | undefined,
): Promise<CallOutcome> {
  const attributes = message?.attributes ?? baseAttributes(call)
  const tracer = (options.tracerProvider ?? otel.trace.getTracerProvider()).getTracer('@llm-session/core')
  const parent = otel.context.active()
  const name = `${attributes['gen_ai.operation.name']} ${call.route.model}`
  const span = tracer.startSpan(name, { kind: otel.SpanKind.CLIENT, attributes }, parent)
  const instruments = genAiInstruments(options.meterProvider ?? otel.metrics.getMeterProvider(), '')
  const started = performance.now()
  let attemptStarted = started
  let lastChunk = 0
  let firstBatch = false
  let status: number | undefined
  let headers: Readonly<Record<string, string>> | undefined
  let routed = attributes
  let lastRoute = call.route
  call.observe({
    onAttemptStart({ route }) {
      attemptStarted = performance.now()
      status = undefined
      headers = undefined
      // The route changes only between runs (a fallback): retries keep the attributes they have.
      if (route !== lastRoute) {
        lastRoute = route
        routed =
          route === call.route ? attributes : { ...attributes, ...routeAttributes(call.operation, route) }
      }
    },
    onAttemptResponse(event) {
      status = event.status
      headers = event.headers
      if (status >= 200 && status < 300)
        span.addEvent(
          'llm_session.attempt',
          attemptAttributes(routed, event.run, event.attempt, status, headers),
        )
    },
    onAttemptError({ run, attempt, error }) {
      const event = attemptAttributes(routed, run, attempt, status, headers)
      event['error.type'] = errorType(error)
      span.addEvent('llm_session.attempt', event)
    },
    onFirstChunk() {
      firstBatch = true
      lastChunk = performance.now()
      const seconds = (lastChunk - attemptStarted) / 1000
      span.setAttribute('gen_ai.response.time_to_first_chunk', seconds)
      instruments.timeToFirstChunk.record(seconds, metricAttributes(routed))
    },
    onChunks(count) {
      const now = performance.now()
      const metric = metricAttributes(routed)
      let i = 0
      if (firstBatch) {
        // The first chunk was measured as time to first chunk; the rest of its read came with it.
        firstBatch = false
        i = 1
      }
      for (; i < count; i++)
        instruments.timePerOutputChunk.record(i === 0 ? (now - lastChunk) / 1000 : 0, metric)
      lastChunk = now
    },
    onEnd(end) {
      const final = finalAttributes(call, routed, end, capture)
      if (end.error !== undefined)
        span.setStatus({ code: otel.SpanStatusCode.ERROR, message: errorMessage(end.error) })
      span.setAttributes(final)
      span.end()
      if (message !== undefined) message.attributes = final
      recordEnd(instruments, final, (performance.now() - started) / 1000)
    },
  })
  const context = otel.trace.setSpan(parent, span)
  const run = () => otel.context.with(context, next)
  return message === undefined ? run() : publish(message, call, run, undefined)
}

/** The attributes a call ends with: its route, the answer's, content when opted in, error.type. */
function finalAttributes(
  call: LlmCall,
  routed: TelemetryAttributes,
  { result, error, abandoned }: CallEndEvent,
  capture: boolean,
): TelemetryAttributes {
  const final: TelemetryAttributes = { ...routed, ...responseAttributes(result) }
  if (capture && call.operation !== 'embedding')
    Object.assign(
      final,
      contentAttributes(call.request as CompletionRequest, result as ChatCompletion | undefined),
    )
  if (abandoned === true) final['llm_session.stream.abandoned'] = true
  if (error !== undefined) final['error.type'] = errorType(error)
  return final
}

function attemptAttributes(
  routed: TelemetryAttributes,
  run: number,
  attempt: number,
  status: number | undefined,
  headers: Readonly<Record<string, string>> | undefined,
): TelemetryAttributes {
  const event: TelemetryAttributes = {
    'llm_session.run': run,
    'llm_session.attempt': attempt,
    'gen_ai.provider.name': routed['gen_ai.provider.name']!,
    'gen_ai.request.model': routed['gen_ai.request.model']!,
  }
  if (routed['server.address'] !== undefined) event['server.address'] = routed['server.address']
  if (routed['server.port'] !== undefined) event['server.port'] = routed['server.port']
  if (status !== undefined) event['http.response.status_code'] = status
  const retryAfter = headers?.['retry-after']
  if (retryAfter !== undefined) event['http.response.header.retry-after'] = [retryAfter]
  return event
}

const metricKeys = [
  'gen_ai.operation.name',
  'gen_ai.provider.name',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'server.address',
  'server.port',
  'error.type',
]

/** Metrics carry only the low-cardinality attributes the conventions list (no ids, no request id). */
function metricAttributes(attributes: TelemetryAttributes): TelemetryAttributes {
  const out: TelemetryAttributes = {}
  for (const key of metricKeys) if (attributes[key] !== undefined) out[key] = attributes[key]
  return out
}

function recordEnd(instruments: GenAiInstruments, final: TelemetryAttributes, seconds: number): void {
  const metric = metricAttributes(final)
  instruments.operationDuration.record(seconds, metric)
  if (final['error.type'] !== undefined) return
  const input = final['gen_ai.usage.input_tokens']
  const output = final['gen_ai.usage.output_tokens']
  if (typeof input === 'number')
    instruments.tokenUsage.record(input, { ...metric, 'gen_ai.token.type': 'input' })
  if (typeof output === 'number')
    instruments.tokenUsage.record(output, { ...metric, 'gen_ai.token.type': 'output' })
}

/** Our errors' messages are written to be shown (keys redacted); other errors' are not trusted. */
function errorMessage(error: unknown): string | undefined {
  const { code, name, message } = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown }
  if (typeof message !== 'string') return undefined
  return (typeof code === 'string' && code.startsWith('LLM_')) || name === 'AbortError' ? message : undefined
}
