// One chat app per framework binding (POST /chat, POST /chat/stream), for the shutdown test.
import 'reflect-metadata'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { LlmSession } from '@llm-session/core'
import * as expressBinding from '@llm-session/express'
import * as fastifyBinding from '@llm-session/fastify'
import * as honoBinding from '@llm-session/hono'
import { LLM_SESSION, Llm, type LlmClient, LlmSessionModule, sendCompletionStream } from '@llm-session/nestjs'
import { Body, Controller, HttpCode, Module, Post, Res } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'

export interface ShutdownApp {
  url: string
  session: LlmSession
  /** Stops the app the framework's way; resolves once the binding has closed its session. */
  close(): Promise<void>
}
export type StartShutdownApp = (options: Record<string, unknown>) => Promise<ShutdownApp>

const request = (body: { messages?: unknown } | undefined) => ({
  model: 'openai/gpt-4o-mini',
  messages: (body?.messages as [{ role: 'user'; content: string }]) ?? [{ role: 'user', content: 'hi' }],
})

async function startExpress(options: Record<string, unknown>): Promise<ShutdownApp> {
  const llm = expressBinding.llmSession(options as never)
  const app = express()
  app.use(express.json(), llm)
  app.post('/chat', async (req, res) => {
    res.json(await req.llm.completion(request(req.body)))
  })
  app.post('/chat/stream', async (req, res) => {
    await expressBinding.sendCompletionStream(res, req.llm.stream(request(req.body)))
  })
  app.use(expressBinding.llmErrorHandler())
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  llm.attach(server)
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    session: llm.session,
    async close() {
      server.close()
      await once(server, 'close')
      await llm.close()
    },
  }
}

async function startFastify(options: Record<string, unknown>): Promise<ShutdownApp> {
  const app = Fastify()
  await app.register(fastifyBinding.llmSession, options as never)
  app.setErrorHandler(fastifyBinding.llmErrorHandler)
  app.post('/chat', (req) => req.llm.completion(request(req.body as never)))
  app.post('/chat/stream', (req, reply) =>
    fastifyBinding.sendCompletionStream(reply, req.llm.stream(request(req.body as never))),
  )
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, session: app.llmSession, close: () => app.close() }
}

async function startHono(options: Record<string, unknown>): Promise<ShutdownApp> {
  const llm = honoBinding.llmSession(options as never)
  const app = new Hono().use(llm)
  app.onError(honoBinding.llmErrorHandler)
  app.post('/chat', async (c) => c.json(await c.var.llm.completion(request(await c.req.json()))))
  app.post('/chat/stream', async (c) =>
    honoBinding.sendCompletionStream(c, c.var.llm.stream(request(await c.req.json()))),
  )
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await once(server, 'listening')
  llm.attach(server)
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    session: llm.session,
    async close() {
      server.close()
      await once(server, 'close')
      await llm.close()
    },
  }
}

// Decorators applied by hand: the root tests compile without experimentalDecorators.
class ChatController {
  chat(body: never, llm: LlmClient) {
    return llm.completion(request(body))
  }
  async stream(body: never, llm: LlmClient, response: Parameters<typeof sendCompletionStream>[0]) {
    await sendCompletionStream(response, llm.stream(request(body)))
  }
}
const proto = ChatController.prototype
const method = (name: 'chat' | 'stream') => Object.getOwnPropertyDescriptor(proto, name)!
Body()(proto, 'chat', 0)
Llm()(proto, 'chat', 1)
Post('chat')(proto, 'chat', method('chat'))
HttpCode(200)(proto, 'chat', method('chat'))
Body()(proto, 'stream', 0)
Llm()(proto, 'stream', 1)
Res()(proto, 'stream', 2)
Post('chat/stream')(proto, 'stream', method('stream'))
Controller()(ChatController)

async function startNest(options: Record<string, unknown>): Promise<ShutdownApp> {
  class AppModule {}
  Module({ imports: [LlmSessionModule.forRoot(options as never)], controllers: [ChatController] })(AppModule)
  const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false })
  await app.listen(0, '127.0.0.1')
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1')
  return { url, session: app.get(LLM_SESSION), close: () => app.close() }
}

export const bindingApps: Record<string, StartShutdownApp> = {
  express: startExpress,
  fastify: startFastify,
  hono: startHono,
  nestjs: startNest,
}
