// The chat API on Hono 4 (@hono/node-server): POST /chat (JSON) and POST /chat/stream (SSE).
import { once } from 'node:events'
import { serve } from '@hono/node-server'
import { llmErrorHandler, llmSession, sendCompletionStream } from '@llm-session/hono'
import { Hono } from 'hono'
import { chatRequest, chooseProvider } from '../choose-provider.js'

/**
 * Starts the app on 127.0.0.1. `close()` stops the server; the session closes once the server has
 * (after in-flight requests). The mock, if any, is the caller's to close.
 * @param {{ port?: number, env?: Record<string, string | undefined>, mockOptions?: object }} [options]
 */
export async function start({ port = 0, env = process.env, mockOptions = {} } = {}) {
  const provider = await chooseProvider(mockOptions, env)
  const llm = llmSession({ session: { ...provider.session, connections: 16 }, client: provider.client })
  const app = new Hono().use(llm)
  app.post('/chat', async (c) =>
    c.json(await c.var.llm.completion(chatRequest(provider.model, await c.req.json()))),
  )
  app.post('/chat/stream', async (c) =>
    sendCompletionStream(c, c.var.llm.stream(chatRequest(provider.model, await c.req.json()))),
  )
  app.onError(llmErrorHandler)

  const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
  await once(server, 'listening')
  llm.attach(server)
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    provider,
    session: llm.session,
    async close() {
      server.close()
      await once(server, 'close')
      await llm.close()
    },
  }
}
