// One telemetry mode in its own process (OTel registration is process-global): a closed loop of
// completions against the mock provider, CPU per call measured with process.cpuUsage().
import { createClient, createSession } from '@llm-session/core'
import { serveCalls } from './child-ipc.js'

export type TelemetryMode = 'off' | 'no-sdk' | 'api-no-sdk' | 'sdk-batch' | 'sdk-batch-off'

export interface TelemetryRun {
  mode: TelemetryMode
  calls: number
  cpuMicrosPerCall: number
  callsPerSecond: number
}

/** Runs `work` as an app's request handler would: inside a context (an incoming request's span). */
type Within = (work: () => Promise<void>) => Promise<void>

async function setUp(mode: TelemetryMode): Promise<Within> {
  if (mode === 'api-no-sdk') {
    // The API loaded and used by someone else, no SDK registered: its no-op tracer.
    const api = await import('@opentelemetry/api')
    api.trace.getTracer('bench').startSpan('warm').end()
  }
  if (mode !== 'sdk-batch' && mode !== 'sdk-batch-off') return (work) => work()
  const api = await import('@opentelemetry/api')
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks')
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base')
  const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = await import(
    '@opentelemetry/sdk-metrics'
  )
  // Exporters that drop what they get: the cost measured is ours and the SDK's, not a network's.
  const spanExporter = {
    export: (_spans: unknown, done: (r: { code: 0 }) => void) => done({ code: 0 }),
    shutdown: async () => {},
  }
  const metricExporter = {
    export: (_metrics: unknown, done: (r: { code: 0 }) => void) => done({ code: 0 }),
    forceFlush: async () => {},
    shutdown: async () => {},
    selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
  }
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  api.trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(spanExporter as never)] }),
  )
  api.metrics.setGlobalMeterProvider(
    new MeterProvider({
      readers: [
        new PeriodicExportingMetricReader({ exporter: metricExporter as never, exportIntervalMillis: 1000 }),
      ],
    }),
  )
  // Both SDK modes run inside a request span, as calls from a traced app do: the context manager's
  // async hooks are then active in both, and their difference is our telemetry alone.
  const parent = api.trace.getTracer('bench').startSpan('incoming request')
  const inside = api.trace.setSpan(api.context.active(), parent)
  return (work) => api.context.with(inside, work)
}

serveCalls({
  run: async (payload: {
    url: string
    ca: string
    mode: TelemetryMode
    calls: number
    concurrency: number
  }) => {
    const within = await setUp(payload.mode)
    const session = createSession({ tls: { ca: payload.ca } })
    const llm = createClient({
      session,
      // sdk-batch-off: the SDK (and its async-hooks context manager) registered, our telemetry off.
      telemetry: payload.mode === 'off' || payload.mode === 'sdk-batch-off' ? false : undefined,
      providers: { openai: { apiKey: 'sk-bench', baseUrl: `${payload.url}/v1` } },
    })
    const request = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] }
    const loop = async (calls: number) => {
      let next = 0
      await Promise.all(
        Array.from({ length: payload.concurrency }, async () => {
          while (next++ < calls) await llm.completion(request)
        }),
      )
    }
    await within(() => loop(Math.max(200, payload.calls / 4)))
    const cpu = process.cpuUsage()
    const started = performance.now()
    await within(() => loop(payload.calls))
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    await session.close()
    return {
      mode: payload.mode,
      calls: payload.calls,
      cpuMicrosPerCall: (used.user + used.system) / payload.calls,
      callsPerSecond: payload.calls / seconds,
    } satisfies TelemetryRun
  },
})
