// The chat API: POST /chat (JSON) and POST /chat/stream (SSE), one llm-session session per app.
import { llmErrorHandler, llmSession, sendCompletionStream } from '@llm-session/fastify'
import Fastify from 'fastify'

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
  const chat = (body) => ({ model, messages: body?.messages ?? [{ role: 'user', content: 'Hello!' }] })
  app.post('/chat', (request) => request.llm.completion(chat(request.body)))
  app.post('/chat/stream', (request, reply) =>
    sendCompletionStream(reply, request.llm.stream(chat(request.body))),
  )
  return app
}

/** The mock provider over TLS by default; OpenAI when OPENAI_API_KEY is set. */
export async function chooseProvider(mockOptions = {}) {
  if (process.env.OPENAI_API_KEY)
    return {
      name: 'openai',
      model: process.env.OPENAI_MODEL ?? 'openai/gpt-4o-mini',
      session: {},
      client: { providers: { openai: { apiKey: process.env.OPENAI_API_KEY } } },
      mock: undefined,
    }
  const { startMockProvider } = await import('@llm-session/testing')
  const mock = await startMockProvider({ tls: true, ...mockOptions })
  return {
    name: 'mock',
    model: 'openai/gpt-4o-mini',
    session: { tls: { ca: mock.ca } },
    client: { providers: { openai: { baseUrl: `${mock.url}/v1`, apiKey: 'sk-mock' } } },
    mock,
  }
}
