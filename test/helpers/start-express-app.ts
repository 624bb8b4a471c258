import { llmErrorHandler, llmSession, sendCompletionStream } from '@llm-session/express'
import express from 'express'
import { chatRequest, listenWithBinding, type StartApp } from './chat-app.js'

/** The chat app on Express with @llm-session/express, on 127.0.0.1 port 0. */
export const startExpressApp: StartApp = async (options) => {
  const llm = llmSession(options as never)
  const app = express()
  app.use(express.json(), llm)
  app.post('/chat', async (req, res) => {
    res.json(await req.llm.completion(chatRequest(req.body)))
  })
  app.post('/chat/stream', async (req, res) => {
    await sendCompletionStream(res, req.llm.stream(chatRequest(req.body)))
  })
  app.use(llmErrorHandler())
  const server = app.listen(0, '127.0.0.1')
  return listenWithBinding(server, llm)
}
