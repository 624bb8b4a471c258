import { SpanKind } from '@opentelemetry/api'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MockProvider, startMockProvider } from '../packages/testing/src/index.js'
import type { RunningApp } from './helpers/chat-app.js'
import { registerTestOtelSdk, type TestOtelSdk } from './helpers/otel-sdk.js'

// The SDK and the instrumentations come first, as an app's tracing setup does: Express (and the
// http module it requires) is loaded after them.
const sdk: TestOtelSdk = registerTestOtelSdk()
const unregister = registerInstrumentations({
  instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()],
})

let mock: MockProvider
let app: RunningApp

beforeAll(async () => {
  mock = await startMockProvider()
  const { startExpressApp } = await import('./helpers/start-express-app.js')
  app = await startExpressApp({
    client: { providers: { openai: { apiKey: 'sk-test', baseUrl: `${mock.url}/v1` } } },
  })
})
afterAll(async () => {
  await app.close()
  await mock.close()
  unregister()
  await sdk.shutdown()
})

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

async function post(path: string, requestId: string): Promise<void> {
  const response = await request(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hello trace' }] }),
  })
  await response.body.text()
  expect(response.statusCode).toBe(200)
}

describe('telemetry inside a traced Express app', () => {
  it.each([
    ['/chat', 'req-json-1'],
    ['/chat/stream', 'req-stream-1'],
  ])(
    '%s: the GenAI span is the child of the server span and the parent of undici’s HTTP span',
    async (path, requestId) => {
      sdk.reset()
      await post(path, requestId)
      const spans = sdk.spans()
      const genAi = spans.filter((span) => span.name === 'chat gpt-4o-mini')
      expect(genAi).toHaveLength(1)
      const call = genAi[0]!
      expect(call.attributes['llm_session.request_id']).toBe(requestId)
      const server = spans.find(
        (span) => span.kind === SpanKind.SERVER && span.spanContext().spanId === parentOf(call),
      )
      expect(server?.attributes['url.path'] ?? server?.attributes['http.target']).toBe(path)
      const outgoing = spans.filter(
        (span) => span.kind === SpanKind.CLIENT && parentOf(span) === call.spanContext().spanId,
      )
      expect(outgoing).toHaveLength(1)
      expect(String(outgoing[0]!.attributes['url.full'])).toBe(`${mock.url}/v1/chat/completions`)
      // One trace from the test's request to the provider.
      expect(new Set([server, call, outgoing[0]].map((span) => span?.spanContext().traceId)).size).toBe(1)
    },
  )
})
