import diagnosticsChannel from 'node:diagnostics_channel'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callTracingChannelName, type LlmCallChannelMessage } from '../packages/core/src/index.js'
import { type MockProvider, startMockProvider } from '../packages/testing/src/index.js'
import { bindingApps } from './helpers/binding-apps.js'

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider()
})
afterAll(async () => {
  await mock.close()
})

// The channel is looked up by name, so the bindings' built copy of core publishes on the same one.
const channel = diagnosticsChannel.tracingChannel<unknown, LlmCallChannelMessage>(callTracingChannelName)

describe.each(Object.keys(bindingApps))(
  '%s: the request-scoped client links its calls to the request',
  (name) => {
    it('puts the request id on the call (span attribute llm_session.request_id)', async () => {
      const app = await bindingApps[name]!({
        client: { providers: { openai: { apiKey: 'sk-test', baseUrl: `${mock.url}/v1` } } },
      })
      const ended: LlmCallChannelMessage[] = []
      const handlers = { asyncEnd: (message: LlmCallChannelMessage) => ended.push(message) }
      channel.subscribe(handlers as never)
      try {
        for (const path of ['/chat', '/chat/stream']) {
          const response = await request(`${app.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-request-id': `req-${name}${path}` },
            body: JSON.stringify({ messages: [{ role: 'user', content: 'hello binding' }] }),
          })
          await response.body.text()
          expect(response.statusCode).toBe(200)
        }
      } finally {
        channel.unsubscribe(handlers as never)
        await app.close()
      }
      expect(ended.map((message) => message.operation)).toEqual(['chat', 'stream'])
      for (const message of ended) {
        expect(message.attributes['llm_session.request_id']).toBe(message.requestId)
        // Fastify names its requests itself (request.id); the others take the caller's x-request-id.
        if (name === 'fastify') expect(message.requestId).toMatch(/^req-/)
        else
          expect(message.requestId).toBe(
            `req-${name}${message.operation === 'chat' ? '/chat' : '/chat/stream'}`,
          )
      }
    })
  },
)
