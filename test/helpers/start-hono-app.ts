import { serve } from '@hono/node-server'
import { llmErrorHandler, llmSession, sendCompletionStream } from '@llm-session/hono'
import { Hono } from 'hono'
import { chatRequest, listenWithBinding, type StartApp } from './chat-app.js'

/** The chat app on Hono (@hono/node-server) with @llm-session/hono, on 127.0.0.1 port 0. */
export const startHonoApp: StartApp = async (options) => {
  const llm = llmSession(options as never)
  const app = new Hono().use(llm)
  app.onError(llmErrorHandler)
  app.post('/chat', async (c) => c.json(await c.var.llm.completion(chatRequest(await c.req.json()))))
  app.post('/chat/stream', async (c) =>
    sendCompletionStream(c, c.var.llm.stream(chatRequest(await c.req.json()))),
  )
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  return listenWithBinding(server, llm)
}
