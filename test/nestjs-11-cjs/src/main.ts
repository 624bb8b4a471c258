// A Nest app as `nest new` makes it (decorators with emitted metadata, compiled by tsc), started by
// test/bindings-nestjs-matrix.test.ts with MOCK_URL, MOCK_CA and PLATFORM (express|fastify).
import { writeSync } from 'node:fs'
import type { CompletionRequest, LlmSession } from '@llm-session/core'
// biome-ignore lint/style/useImportType: Nest injects LlmClient by the class tsc writes into the metadata.
import {
  InjectLlmSession,
  Llm,
  LlmClient,
  LlmExceptionFilter,
  LlmRequestClient,
  LlmSessionModule,
  type NestResponse,
  sendCompletionStream,
} from '@llm-session/nestjs'
import { Body, Controller, HttpCode, Injectable, Module, Post, Res } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { ExpressAdapter } from '@nestjs/platform-express'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import 'reflect-metadata'

const model = 'openai/gpt-4o-mini'

interface ChatBody {
  messages: CompletionRequest['messages']
}

@Injectable()
class ChatService {
  // LlmClient by its class, through the metadata tsc emits, as an app would write it.
  constructor(
    readonly llm: LlmClient,
    // The request-bound client, also by its class: each call goes through the current request's client.
    readonly requestLlm: LlmRequestClient,
    @InjectLlmSession() readonly session: LlmSession,
  ) {}
}

@Controller()
class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post('chat')
  @HttpCode(200)
  answer(@Body() body: ChatBody, @Llm() llm: LlmClient) {
    return llm.completion({ model, messages: body.messages })
  }

  @Post('chat/app-client')
  @HttpCode(200)
  answerWithAppClient(@Body() body: ChatBody) {
    return this.chat.llm.completion({ model, messages: body.messages })
  }

  @Post('chat/request-client')
  @HttpCode(200)
  answerWithRequestClient(@Body() body: ChatBody) {
    return this.chat.requestLlm.completion({ model, messages: body.messages })
  }

  @Post('chat/stream')
  async stream(@Body() body: ChatBody, @Llm() llm: LlmClient, @Res() response: NestResponse) {
    await sendCompletionStream(response, llm.stream({ model, messages: body.messages }))
  }
}

@Module({
  imports: [
    LlmSessionModule.forRootAsync({
      isGlobal: true,
      useFactory: () => ({
        session: { connections: 4, tls: { ca: process.env.MOCK_CA } },
        client: { providers: { openai: { baseUrl: `${process.env.MOCK_URL}/v1`, apiKey: 'sk-test' } } },
      }),
    }),
  ],
  controllers: [ChatController],
  providers: [ChatService],
})
class AppModule {}

async function main() {
  const adapter = process.env.PLATFORM === 'fastify' ? new FastifyAdapter() : new ExpressAdapter()
  const app = await NestFactory.create(AppModule, adapter, { logger: ['error', 'warn'] })
  app.enableShutdownHooks()
  app.useGlobalFilters(new LlmExceptionFilter())
  await app.listen(0, '127.0.0.1')
  const session = app.get(ChatService).session
  // enableShutdownHooks() closes the app on SIGTERM, then re-raises the signal. This listener
  // ignores the first one and reports on the re-raised one, after Nest's shutdown finished.
  let signals = 0
  process.on('SIGTERM', () => {
    if (++signals < 2) return
    writeSync(1, `${JSON.stringify({ sessionClosed: session.closed })}\n`)
    process.exit(0)
  })
  writeSync(1, `${JSON.stringify({ url: await app.getUrl(), sessionId: session.id })}\n`)
}

void main()
