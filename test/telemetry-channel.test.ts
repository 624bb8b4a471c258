import diagnosticsChannel from 'node:diagnostics_channel'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCallPipeline } from '../packages/core/src/client/run-with-middleware.js'
import {
  type ChatCompletion,
  callTracingChannelName,
  createClient,
  type LlmCallChannelMessage,
} from '../packages/core/src/index.js'
import { createTelemetry } from '../packages/core/src/telemetry/create-telemetry.js'
import { isOpenTelemetryRegistered } from '../packages/core/src/telemetry/load-opentelemetry.js'
import { type MockProvider, startMockProvider } from '../packages/testing/src/index.js'

let mock: MockProvider
let agent: Agent

beforeAll(async () => {
  mock = await startMockProvider()
  agent = new Agent()
})
afterAll(async () => {
  await agent.close()
  await mock.close()
})

const llm = () =>
  createClient({
    session: agent,
    headers: { 'x-api-secret': 'hdr-SECRET-1' },
    providers: { openai: { apiKey: 'sk-SECRET-2', baseUrl: `${mock.url}/v1` } },
  })
const messages = [{ role: 'user' as const, content: 'hello channel' }]

/** Subscribes to every event of the call channel for the length of `run`. */
async function recordChannel(run: () => Promise<unknown>) {
  const events: Array<[string, LlmCallChannelMessage]> = []
  const channel = diagnosticsChannel.tracingChannel<unknown, LlmCallChannelMessage>(callTracingChannelName)
  const handlers = {
    start: (message: LlmCallChannelMessage) => events.push(['start', message]),
    end: (message: LlmCallChannelMessage) => events.push(['end', message]),
    asyncStart: (message: LlmCallChannelMessage) => events.push(['asyncStart', message]),
    asyncEnd: (message: LlmCallChannelMessage) => events.push(['asyncEnd', message]),
    error: (message: LlmCallChannelMessage) => events.push(['error', message]),
  }
  channel.subscribe(handlers)
  try {
    await run().catch(() => {})
  } finally {
    channel.unsubscribe(handlers)
  }
  return events
}

describe('the llm-session:call TracingChannel (no OTel SDK registered)', () => {
  it('has no SDK here: telemetry runs for the channel alone', () => {
    expect(isOpenTelemetryRegistered()).toBe(false)
  })

  it('publishes start, end, asyncStart, asyncEnd for a completion, with the GenAI attributes', async () => {
    const events = await recordChannel(() =>
      llm()
        .with({ headers: { 'x-request-id': 'req-ch-1' } })
        .completion({ model: 'openai/gpt-4o', messages }),
    )
    expect(events.map(([name]) => name)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd'])
    const message = events[0]![1]
    expect(events.every(([, other]) => other === message)).toBe(true)
    expect(message).toMatchObject({ operation: 'chat', model: 'openai/gpt-4o', requestId: 'req-ch-1' })
    expect((message.result as ChatCompletion | undefined)?.choices[0]?.message.content).toBe('hello channel')
    expect(message.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'llm_session.request_id': 'req-ch-1',
      'gen_ai.usage.output_tokens': expect.any(Number),
    })
  })

  it('publishes a stream when it ends, and error before the async end of a failure', async () => {
    const streamed = await recordChannel(() =>
      llm().stream({ model: 'openai/gpt-4o', messages }).finalCompletion(),
    )
    expect(streamed.map(([name]) => name)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd'])
    expect(streamed[3]![1].attributes['gen_ai.request.stream']).toBe(true)
    const failed = await recordChannel(() =>
      llm().completion({ model: 'openai/mock-fail-401', messages, apiKey: 'sk-SECRET-3' }),
    )
    expect(failed.map(([name]) => name)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd'])
    expect(failed[2]![1].error).toMatchObject({ code: 'LLM_AUTHENTICATION' })
    expect(failed[2]![1].attributes['error.type']).toBe('LLM_AUTHENTICATION')
    const text = JSON.stringify(
      [...streamed, ...failed].map(([, message]) => ({ ...message, error: String(message.error) })),
    )
    expect(text).not.toContain('SECRET')
  })

  it('nothing subscribed and no SDK: no middleware is chosen, the call takes the direct path', () => {
    const off = createCallPipeline({}, undefined, createTelemetry(undefined))
    expect(off?.select()).toBeUndefined()
    expect(createCallPipeline({}, undefined, createTelemetry(false))).toBeUndefined()
    const channel = diagnosticsChannel.tracingChannel(callTracingChannelName)
    const onStart = () => {}
    channel.start.subscribe(onStart)
    expect(off?.select()).toBeDefined()
    channel.start.unsubscribe(onStart)
    expect(off?.select()).toBeUndefined()
  })
})
