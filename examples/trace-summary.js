// `pnpm demo -- --trace` (or LLM_SESSION_TRACE=1): an in-process OpenTelemetry SDK, in-memory
// exporters, and a short summary of the GenAI spans and metrics at the end.

import { observeSessionMetrics } from '@llm-session/core'
import { context, metrics, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'

/** True when the demo was asked to trace. */
export const traceRequested = (argv = process.argv, env = process.env) =>
  argv.includes('--trace') || env.LLM_SESSION_TRACE === '1'

/**
 * Registers the SDK. `watch(session)` adds the session's pool metrics; `print()` writes the summary.
 * @returns {{ watch(session: import('@llm-session/core').LlmSession): void, print(write?: (line: string) => void): Promise<void> }}
 */
export function startTraceSummary() {
  const spans = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] })
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
  const meterProvider = new MeterProvider({ readers: [reader] })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(tracerProvider)
  metrics.setGlobalMeterProvider(meterProvider)
  const watched = []
  return {
    watch(session) {
      watched.push(observeSessionMetrics(session))
    },
    async print(write = (line) => console.log(line)) {
      await reader.forceFlush()
      const calls = spans
        .getFinishedSpans()
        .filter((span) => span.attributes['gen_ai.operation.name'] !== undefined)
      const seconds = (span) => span.duration[0] + span.duration[1] / 1e9
      const ms = (values, p) => {
        if (values.length === 0) return '-'
        const sorted = [...values].sort((a, b) => a - b)
        return (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 1000).toFixed(1)
      }
      const durations = calls.map(seconds)
      const firstChunks = calls
        .map((span) => span.attributes['gen_ai.response.time_to_first_chunk'])
        .filter((value) => typeof value === 'number')
      const sum = (key) => calls.reduce((total, span) => total + (Number(span.attributes[key]) || 0), 0)
      const failed = calls.filter((span) => span.attributes['error.type'] !== undefined).length
      const attempts = calls.reduce((total, span) => total + span.events.length, 0)
      const points = new Map()
      for (const resource of exporter.getMetrics())
        for (const scope of resource.scopeMetrics)
          for (const metric of scope.metrics) points.set(metric.descriptor.name, metric.dataPoints)
      const total = (name) =>
        (points.get(name) ?? []).reduce((n, point) => n + Number(point.value?.count ?? point.value), 0)
      write(`trace: ${calls.length} GenAI spans (${failed} failed, ${attempts} HTTP attempts)`)
      write(`trace: span duration ms p50 ${ms(durations, 50)}, p95 ${ms(durations, 95)}`)
      write(
        `trace: time to first chunk ms p50 ${ms(firstChunks, 50)}, p95 ${ms(firstChunks, 95)} (${firstChunks.length} streams)`,
      )
      write(`trace: tokens in ${sum('gen_ai.usage.input_tokens')}, out ${sum('gen_ai.usage.output_tokens')}`)
      write(
        `trace: metrics gen_ai.client.operation.duration ${total('gen_ai.client.operation.duration')} values, ` +
          `sockets opened ${total('llm_session.session.sockets.opened')}, TLS handshakes ${total('llm_session.session.tls.handshakes')}`,
      )
      for (const handle of watched) handle.close()
      await tracerProvider.shutdown()
      await meterProvider.shutdown()
    },
  }
}
