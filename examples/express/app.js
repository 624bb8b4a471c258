// The chat API on Express 5: POST /chat (JSON) and POST /chat/stream (SSE), one session per app.
import { once } from 'node:events'
import { llmErrorHandler, llmSession, sendCompletionStream } from '@llm-session/express'
import express from 'express'
import { chatRequest, chooseProvider } from '../choose-provider.js'

/**
 * Starts the app on 127.0.0.1. `close()` stops the server; the session closes once the server has
 * (after in-flight requests). The mock, if any, is the caller's to close.
 * @param {{ port?: number, env?: Record<string, string | undefined>, mockOptions?: object }} [options]
 */
export async function start({ port = 0, env = process.env, mockOptions = {} } = {}) {
  const provider = await chooseProvider(mockOptions, env)
  const llm = llmSession({ session: { ...provider.session, connections: 16 }, client: provider.client })
  const app = express()
  app.use(express.json(), llm)
  app.post('/chat', async (req, res) => {
    res.json(await req.llm.completion(chatRequest(provider.model, req.body)))
  })
  app.post('/chat/stream', async (req, res) => {
    await sendCompletionStream(res, req.llm.stream(chatRequest(provider.model, req.body)))
  })
  app.use(llmErrorHandler())

  const server = app.listen(port, '127.0.0.1')
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
