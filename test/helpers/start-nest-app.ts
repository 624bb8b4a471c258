import 'reflect-metadata'
import {
  LLM_SESSION,
  Llm,
  type LlmClient,
  LlmExceptionFilter,
  LlmSessionModule,
  sendCompletionStream,
} from '@llm-session/nestjs'
import { Body, Controller, HttpCode, Module, Post, Res } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import { chatRequest, type StartApp } from './chat-app.js'

// Decorators applied by hand: the root tests compile without experimentalDecorators, and this is
// also how a build without emitted metadata sees the library (explicit tokens only).
class ChatController {
  chat(body: never, llm: LlmClient) {
    return llm.completion(chatRequest(body))
  }
  async stream(body: never, llm: LlmClient, response: Parameters<typeof sendCompletionStream>[0]) {
    await sendCompletionStream(response, llm.stream(chatRequest(body)))
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

/** The chat app on Nest with @llm-session/nestjs and its exception filter, on 127.0.0.1 port 0. */
export const startNestApp =
  (platform: 'express' | 'fastify'): StartApp =>
  async (options) => {
    class AppModule {}
    Module({ imports: [LlmSessionModule.forRoot(options as never)], controllers: [ChatController] })(
      AppModule,
    )
    const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter()
    const app = await NestFactory.create(AppModule, adapter, { logger: false })
    app.useGlobalFilters(new LlmExceptionFilter())
    await app.listen(0, '127.0.0.1')
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1')
    return { url, session: app.get(LLM_SESSION), close: () => app.close() }
  }
