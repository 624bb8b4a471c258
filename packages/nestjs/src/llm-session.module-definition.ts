import type { BindingOptions } from '@llm-session/core'
import {
  type ConfigurableModuleAsyncOptions,
  ConfigurableModuleBuilder,
  type MiddlewareConsumer,
  type Type,
} from '@nestjs/common'

// `{ path, method }`, as MiddlewareConsumer takes it (Nest does not export the name).
type RouteInfo = Exclude<Parameters<ReturnType<MiddlewareConsumer['apply']>['exclude']>[number], string>

/**
 * Options of `LlmSessionModule.forRoot()`: the binding options `{ session?, client?, closeSession? }`,
 * and which routes get the request-bound client (`forRoutes`, `exclude`, as `MiddlewareConsumer`
 * takes them). `isGlobal` is the `forRoot`/`forRootAsync` extra.
 */
export interface LlmSessionModuleOptions extends BindingOptions {
  /** Routes whose requests get a request-bound client (`@Llm()`, `LlmRequestClient`). Default: all. */
  forRoutes?: Array<string | Type | RouteInfo>
  /** Routes left out of `forRoutes`. Default: none. */
  exclude?: Array<string | RouteInfo>
}

/**
 * A class giving the module's options, for `forRootAsync({ useClass })` or `{ useExisting }`, as
 * `HttpModuleOptionsFactory` or `ThrottlerOptionsFactory` do.
 * @example
 * @Injectable()
 * class LlmConfig implements LlmSessionOptionsFactory {
 *   constructor(private readonly config: ConfigService) {}
 *   createLlmSessionOptions(): LlmSessionModuleOptions {
 *     return { session: { connections: this.config.get('LLM_CONNECTIONS') } }
 *   }
 * }
 * LlmSessionModule.forRootAsync({ imports: [ConfigModule], useClass: LlmConfig })
 */
export interface LlmSessionOptionsFactory {
  createLlmSessionOptions(): LlmSessionModuleOptions | Promise<LlmSessionModuleOptions>
}

/** Options of `LlmSessionModule.forRootAsync()`: `useFactory`/`useClass`/`useExisting`, and `isGlobal`. */
export interface LlmSessionModuleAsyncOptions
  extends ConfigurableModuleAsyncOptions<LlmSessionModuleOptions, 'createLlmSessionOptions'> {
  isGlobal?: boolean
}

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: LLM_SESSION_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<LlmSessionModuleOptions>({ moduleName: 'LlmSession' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createLlmSessionOptions')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build()
