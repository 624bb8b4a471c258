import llmSessionDefault, { llmSession } from '@llm-session/fastify'
import { startMockProvider } from '@llm-session/testing'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { clientOptionsFor, describeBinding } from './helpers/describe-binding.js'
import { startFastifyApp } from './helpers/start-fastify-app.js'

describeBinding('fastify', startFastifyApp)

describe('fastify plugin registration', () => {
  it('refuses a second registration on the same instance', async () => {
    const app = Fastify()
    await app.register(llmSession)
    await expect(app.register(llmSession)).rejects.toThrow(/already registered/)
    await app.close()
  })

  it('is the default export too', async () => {
    expect(llmSessionDefault).toBe(llmSession)
    const app = Fastify()
    await app.register(llmSessionDefault)
    expect(app.llmSession.closed).toBe(false)
    await app.close()
    expect(app.llmSession.closed).toBe(true)
  })
})

describe('fastify upstream request id', () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

  it("sends the caller's x-request-id upstream, else a random UUID, never Fastify's req-N counter", async () => {
    const mock = await startMockProvider()
    const app = Fastify()
    await app.register(llmSession, { client: clientOptionsFor(mock) })
    app.post('/chat', (request) =>
      request.llm.completion({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    )
    const chat = (headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: '/chat', payload: {}, headers })

    expect((await chat({ 'x-request-id': 'caller-id-42' })).statusCode).toBe(200)
    expect(mock.requests().at(-1)?.headers['x-request-id']).toBe('caller-id-42')
    expect((await chat()).statusCode).toBe(200)
    expect((await chat()).statusCode).toBe(200)
    const [first, second] = mock
      .requests()
      .slice(-2)
      .map((seen) => seen.headers['x-request-id'])
    expect(first).toMatch(uuid)
    expect(second).toMatch(uuid)
    expect(second).not.toBe(first)
    await app.close()
    await mock.close()
  })
})
