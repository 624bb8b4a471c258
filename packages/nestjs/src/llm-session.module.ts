import {
  type BindingRuntime,
  createBindingRuntime,
  InvalidArgumentError,
  validateBindingOptions,
} from '@llm-session/core'
import {
  type DynamicModule,
  Inject,
  Logger,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationShutdown,
  Optional,
  RequestMethod,
} from '@nestjs/common'
import { ModulesContainer } from '@nestjs/core'
import { LlmClient } from './llm-client.js'
import { createRequestBoundClient, LlmRequestClient } from './llm-request-client.js'
import { LlmRequestScopeMiddleware } from './llm-request-scope.js'
import { LLM_SESSION, LLM_SESSION_BINDING } from './llm-session.constants.js'
import {
  ConfigurableModuleClass,
  LLM_SESSION_MODULE_OPTIONS,
  type LlmSessionModuleAsyncOptions,
  type LlmSessionModuleOptions,
} from './llm-session.module-definition.js'
import { createNestSessionLogger } from './nest-session-logger.js'

const framework = 'nestjs'
const label = '@llm-session/nestjs'
const allRoutes = { path: '{*path}', method: RequestMethod.ALL }

// The binding's own options, without the module's (routes) and the builder's extra (isGlobal).
function bindingOptions(options: LlmSessionModuleOptions & { isGlobal?: boolean }) {
  const { isGlobal: _isGlobal, forRoutes: _forRoutes, exclude: _exclude, ...rest } = options
  return rest
}

function validateModuleOptions(options: unknown): LlmSessionModuleOptions {
  if (typeof options === 'object' && options !== null)
    for (const field of ['forRoutes', 'exclude'] as const) {
      const routes = (options as LlmSessionModuleOptions)[field]
      if (routes !== undefined && !Array.isArray(routes))
        throw new InvalidArgumentError(`${label}: ${field} must be an array of routes`, { field })
    }
  const valid = (options ?? {}) as LlmSessionModuleOptions
  validateBindingOptions(bindingOptions(valid), { framework })
  return valid
}

function createRuntime(
  options: LlmSessionModuleOptions | undefined,
  modules: ModulesContainer,
): BindingRuntime {
  // Checked before any session exists: the container holds every module of the app by now.
  const imported = [...modules.values()].filter((module) => module.metatype === LlmSessionModule).length
  if (imported > 1)
    throw new Error(
      `${label}: LlmSessionModule.forRoot() is imported ${imported} times in this app, which would make ${imported} sessions: import it once, in the root module, with isGlobal: true to make LlmClient injectable everywhere`,
    )
  if (options === undefined)
    throw new Error(
      `${label}: import LlmSessionModule.forRoot(options) or LlmSessionModule.forRootAsync(...), not LlmSessionModule itself`,
    )
  return createBindingRuntime(bindingOptions(validateModuleOptions(options)), {
    framework,
    logger: createNestSessionLogger(new Logger('LlmSessionModule')),
  })
}

/**
 * One llm-session session per Nest app. Inject the app client with `LlmClient`, the request-bound
 * one anywhere with `LlmRequestClient` (or `@Llm()` as a handler parameter), the session with
 * `@InjectLlmSession()`. An owned session closes in `onApplicationShutdown`, after the HTTP server
 * stopped (call `app.enableShutdownHooks()` so SIGTERM gets there). Import it once, in the root module.
 * @example
 * @Module({ imports: [LlmSessionModule.forRoot({ isGlobal: true, session: { connections: 32 } })] })
 * export class AppModule {}
 */
@Module({
  providers: [
    {
      provide: LLM_SESSION_BINDING,
      useFactory: createRuntime,
      inject: [{ token: LLM_SESSION_MODULE_OPTIONS, optional: true }, ModulesContainer],
    },
    {
      provide: LlmClient,
      useFactory: (runtime: BindingRuntime) => runtime.client,
      inject: [LLM_SESSION_BINDING],
    },
    {
      provide: LlmRequestClient,
      useFactory: (runtime: BindingRuntime) => createRequestBoundClient(runtime.client),
      inject: [LLM_SESSION_BINDING],
    },
    {
      provide: LLM_SESSION,
      useFactory: (runtime: BindingRuntime) => runtime.session,
      inject: [LLM_SESSION_BINDING],
    },
  ],
  exports: [LlmClient, LlmRequestClient, LLM_SESSION],
})
export class LlmSessionModule extends ConfigurableModuleClass implements NestModule, OnApplicationShutdown {
  constructor(
    @Inject(LLM_SESSION_BINDING) private readonly runtime: BindingRuntime,
    @Optional() @Inject(LLM_SESSION_MODULE_OPTIONS) private readonly options: LlmSessionModuleOptions = {},
  ) {
    super()
  }

  /** Validates the options here, at registration, before anything starts. */
  static override forRoot(options: LlmSessionModuleOptions & { isGlobal?: boolean } = {}): DynamicModule {
    validateModuleOptions(options)
    return super.forRoot(options)
  }

  /** The options come from a factory or an `LlmSessionOptionsFactory`; checked once it has run. */
  static override forRootAsync(options: LlmSessionModuleAsyncOptions): DynamicModule {
    return super.forRootAsync(options)
  }

  configure(consumer: MiddlewareConsumer): void {
    const { forRoutes = [allRoutes], exclude = [] } = this.options
    const middleware = consumer.apply(LlmRequestScopeMiddleware)
    ;(exclude.length > 0 ? middleware.exclude(...exclude) : middleware).forRoutes(...forRoutes)
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close()
  }
}
