import { type BindingRuntime, createBindingRuntime, validateBindingOptions } from '@llm-session/core'
import { Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common'
import { APP_INTERCEPTOR } from '@nestjs/core'
import { LlmClient } from './llm-client.js'
import { LLM_SESSION, LLM_SESSION_BINDING } from './llm-session.constants.js'
import { LlmSessionInterceptor } from './llm-session.interceptor.js'
import {
  type ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  LLM_SESSION_MODULE_OPTIONS,
  type OPTIONS_TYPE,
} from './llm-session.module-definition.js'
import { createNestSessionLogger } from './nest-session-logger.js'

const framework = 'nestjs'

function bindingOptions(options: typeof OPTIONS_TYPE) {
  const { isGlobal: _isGlobal, ...rest } = options ?? {}
  return rest
}

/**
 * One llm-session session per Nest app. Inject the client with `LlmClient`, the session with
 * `@InjectLlmSession()`, and a request-scoped client with `@Llm()`. An owned session closes in
 * `onApplicationShutdown`, after the HTTP server stopped (call `app.enableShutdownHooks()` so SIGTERM
 * gets there).
 * @example
 * @Module({ imports: [LlmSessionModule.forRoot({ isGlobal: true, session: { connections: 32 } })] })
 * export class AppModule {}
 */
@Module({
  providers: [
    {
      provide: LLM_SESSION_BINDING,
      useFactory: (options: typeof OPTIONS_TYPE): BindingRuntime =>
        createBindingRuntime(bindingOptions(options), {
          framework,
          logger: createNestSessionLogger(new Logger('LlmSessionModule')),
        }),
      inject: [LLM_SESSION_MODULE_OPTIONS],
    },
    {
      provide: LlmClient,
      useFactory: (runtime: BindingRuntime) => runtime.client,
      inject: [LLM_SESSION_BINDING],
    },
    {
      provide: LLM_SESSION,
      useFactory: (runtime: BindingRuntime) => runtime.session,
      inject: [LLM_SESSION_BINDING],
    },
    { provide: APP_INTERCEPTOR, useClass: LlmSessionInterceptor },
  ],
  exports: [LlmClient, LLM_SESSION],
})
export class LlmSessionModule extends ConfigurableModuleClass implements OnApplicationShutdown {
  constructor(@Inject(LLM_SESSION_BINDING) private readonly runtime: BindingRuntime) {
    super()
  }

  /** Validates the options here, at registration, before anything starts. */
  static override forRoot(options: typeof OPTIONS_TYPE = {}) {
    validateBindingOptions(bindingOptions(options), { framework })
    return super.forRoot(options)
  }

  static override forRootAsync(options: typeof ASYNC_OPTIONS_TYPE) {
    return super.forRootAsync(options)
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close()
  }
}
