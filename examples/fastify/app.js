// The chat API: POST /chat (JSON) and POST /chat/stream (SSE), one llm-session session per app.
import { llmErrorHandler, llmSession, sendCompletionStream } from '@llm-session/fastify'
import Fastify from 'fastify'
import { chatRequest, chooseProvider } from '../choose-provider.js'

export { chooseProvider }

/**
 * @param {{ model: string, llm: import('@llm-session/fastify').LlmSessionPluginOptions, logger?: boolean }} options
 */
export async function buildApp({ model, llm, logger = false }) {
  const app = Fastify({ logger })
  await app.register(llmSession, llm)
  app.setErrorHandler(llmErrorHandler)
  // Which session served the call: the demo counts them.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-llm-session-id', app.llmSession.id)
  })
  app.post('/chat', (request) => request.llm.completion(chatRequest(model, request.body)))
  app.post('/chat/stream', (request, reply) =>
    sendCompletionStream(reply, request.llm.stream(chatRequest(model, request.body))),
  )
  return app
}

/**
 * Starts the app on 127.0.0.1. `close()` stops it (in-flight requests finish, then the session
 * closes); the mock, if any, is the caller's to close.
 * @param {{ port?: number, env?: Record<string, string | undefined>, mockOptions?: object, logger?: boolean }} [options]
 */
export async function start({ port = 0, env = process.env, mockOptions = {}, logger = false } = {}) {
  const provider = await chooseProvider(mockOptions, env)
  const app = await buildApp({
    model: provider.model,
    llm: { session: { ...provider.session, connections: 16 }, client: provider.client },
    logger,
  })
  const url = await app.listen({ port, host: '127.0.0.1' })
  return { url, provider, session: app.llmSession, close: () => app.close() }
}
