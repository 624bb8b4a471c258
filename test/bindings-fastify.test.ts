import { llmErrorHandler, llmSession, sendCompletionStream } from '@llm-session/fastify'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { chatRequest, describeBinding, type StartApp } from './bindings-support.js'

const startFastifyApp = (): StartApp => async (options) => {
  const app = Fastify()
  await app.register(llmSession, options as never)
  app.setErrorHandler(llmErrorHandler)
  app.post('/chat', (request) => request.llm.completion(chatRequest(request.body as never)))
  app.post('/chat/stream', (request, reply) =>
    sendCompletionStream(reply, request.llm.stream(chatRequest(request.body as never))),
  )
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, session: app.llmSession, close: () => app.close() }
}

describeBinding('fastify', startFastifyApp)

describe('fastify plugin registration', () => {
  it('refuses a second registration on the same instance', async () => {
    const app = Fastify()
    await app.register(llmSession)
    await expect(app.register(llmSession)).rejects.toThrow(/already registered/)
    await app.close()
  })
})
