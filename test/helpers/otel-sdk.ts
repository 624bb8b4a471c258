import { context, metrics, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'

/** A real OTel SDK registered globally, exporting to memory: spans at once, metrics on `collect()`. */
export interface TestOtelSdk {
  spans(): ReadableSpan[]
  /** Metrics recorded so far (cumulative). */
  collect(): Promise<ResourceMetrics[]>
  reset(): void
  shutdown(): Promise<void>
}

export function registerTestOtelSdk(): TestOtelSdk {
  const spanExporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] })
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  // Exports only when asked (forceFlush): no timer decides what a test sees.
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  })
  const meterProvider = new MeterProvider({ readers: [reader] })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(tracerProvider)
  metrics.setGlobalMeterProvider(meterProvider)
  return {
    spans: () => spanExporter.getFinishedSpans(),
    async collect() {
      metricExporter.reset()
      await reader.forceFlush()
      return metricExporter.getMetrics()
    },
    reset: () => spanExporter.reset(),
    async shutdown() {
      await tracerProvider.shutdown()
      await meterProvider.shutdown()
      trace.disable()
      metrics.disable()
      context.disable()
    },
  }
}

/** Every metric data point, by instrument name. */
export function dataPoints(
  resourceMetrics: ResourceMetrics[],
): Map<string, Array<{ attributes: unknown; value: unknown }>> {
  const out = new Map<string, Array<{ attributes: unknown; value: unknown }>>()
  for (const resource of resourceMetrics)
    for (const scope of resource.scopeMetrics)
      for (const metric of scope.metrics)
        out.set(metric.descriptor.name, [
          ...(out.get(metric.descriptor.name) ?? []),
          ...metric.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value })),
        ])
  return out
}
