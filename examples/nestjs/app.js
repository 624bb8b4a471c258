// The chat API on NestJS 12 (platform-express): POST /chat (JSON) and POST /chat/stream (SSE).
// Plain ESM JavaScript, so it runs without a build step: Node has no decorator syntax, so the
// decorators are applied by hand below (what tsc emits for `@Controller()`, `@Post()`, `@Body()`),
// and injection uses explicit tokens (no emitted metadata).
import 'reflect-metadata'
import {
  LLM_SESSION,
  Llm,
  LlmExceptionFilter,
  LlmSessionModule,
  sendCompletionStream,
} from '@llm-session/nestjs'
import { Body, Controller, HttpCode, Inject, Module, Post, Res } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { chatRequest, chooseProvider } from '../choose-provider.js'

const CHAT_MODEL = Symbol('CHAT_MODEL')

class ChatController {
  constructor(model) {
    this.model = model
  }

  // @Post('chat') @HttpCode(200) chat(@Body() body, @Llm() llm)
  chat(body, llm) {
    return llm.completion(chatRequest(this.model, body))
  }

  // @Post('chat/stream') stream(@Body() body, @Llm() llm, @Res() response)
  async stream(body, llm, response) {
    await sendCompletionStream(response, llm.stream(chatRequest(this.model, body)))
  }
}
Controller()(ChatController)
Inject(CHAT_MODEL)(ChatController, undefined, 0)
decorateMethod(ChatController, 'chat', [Post('chat'), HttpCode(200)], [Body(), Llm()])
decorateMethod(ChatController, 'stream', [Post('chat/stream')], [Body(), Llm(), Res()])

function decorateMethod(target, name, methodDecorators, parameterDecorators) {
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, name)
  for (const decorator of methodDecorators) decorator(target.prototype, name, descriptor)
  for (const [index, decorator] of parameterDecorators.entries()) decorator(target.prototype, name, index)
}

/** The root module for a provider choice: the session's options come from there. */
function createAppModule(provider) {
  class AppModule {}
  Module({
    imports: [
      LlmSessionModule.forRoot({
        session: { ...provider.session, connections: 16 },
        client: provider.client,
      }),
    ],
    controllers: [ChatController],
    providers: [{ provide: CHAT_MODEL, useValue: provider.model }],
  })(AppModule)
  return AppModule
}

/**
 * Starts the app on 127.0.0.1. `close()` stops the server, then `onApplicationShutdown` closes the
 * session. The mock, if any, is the caller's to close.
 * @param {{ port?: number, env?: Record<string, string | undefined>, mockOptions?: object, logger?: boolean }} [options]
 */
export async function start({ port = 0, env = process.env, mockOptions = {}, logger = false } = {}) {
  const provider = await chooseProvider(mockOptions, env)
  const app = await NestFactory.create(createAppModule(provider), { logger: logger ? undefined : false })
  app.useGlobalFilters(new LlmExceptionFilter())
  // SIGTERM/SIGINT run the shutdown hooks, which close the session after the server.
  app.enableShutdownHooks()
  await app.listen(port, '127.0.0.1')
  return {
    url: await app.getUrl(),
    provider,
    session: app.get(LLM_SESSION),
    close: () => app.close(),
  }
}
