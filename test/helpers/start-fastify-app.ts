import { llmErrorHandler, llmSession, sendCompletionStream } from '@llm-session/fastify'
import Fastify from 'fastify'
import { chatRequest, type StartApp } from './chat-app.js'

/** The chat app on Fastify with @llm-session/fastify, on 127.0.0.1 port 0. */
export const startFastifyApp: StartApp = async (options) => {
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
