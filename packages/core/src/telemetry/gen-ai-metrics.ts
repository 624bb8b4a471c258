import type { Histogram, Meter, MeterProvider } from '@opentelemetry/api'

/** Bucket boundaries the GenAI conventions give for the duration histograms, in seconds. */
export const durationBuckets = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
]

/** Bucket boundaries the GenAI conventions give for `gen_ai.client.token.usage`. */
export const tokenBuckets = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
]

/** The GenAI client instruments on one meter. */
export interface GenAiInstruments {
  operationDuration: Histogram
  tokenUsage: Histogram
  timeToFirstChunk: Histogram
  timePerOutputChunk: Histogram
}

const seconds = (meter: Meter, name: string, description: string) =>
  meter.createHistogram(name, {
    unit: 's',
    description,
    advice: { explicitBucketBoundaries: durationBuckets },
  })

const byProvider = new WeakMap<MeterProvider, GenAiInstruments>()

/** The instruments of a meter provider, made once per provider. */
export function genAiInstruments(provider: MeterProvider, version: string): GenAiInstruments {
  let instruments = byProvider.get(provider)
  if (instruments === undefined) {
    const meter = provider.getMeter('@llm-session/core', version)
    instruments = {
      operationDuration: seconds(meter, 'gen_ai.client.operation.duration', 'GenAI operation duration.'),
      tokenUsage: meter.createHistogram('gen_ai.client.token.usage', {
        unit: '{token}',
        description: 'Number of input and output tokens used.',
        advice: { explicitBucketBoundaries: tokenBuckets },
      }),
      timeToFirstChunk: seconds(
        meter,
        'gen_ai.client.operation.time_to_first_chunk',
        'Time to receive the first chunk, from when the client issues the request.',
      ),
      timePerOutputChunk: seconds(
        meter,
        'gen_ai.client.operation.time_per_output_chunk',
        'Time per output chunk, for each chunk after the first one.',
      ),
    }
    byProvider.set(provider, instruments)
  }
  return instruments
}
