import type { BindingOptions } from '@llm-session/core'
import { ConfigurableModuleBuilder } from '@nestjs/common'

/** Options of `LlmSessionModule.forRoot()`: `{ session?, client?, closeSession? }` (and `isGlobal`). */
export interface LlmSessionModuleOptions extends BindingOptions {}

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: LLM_SESSION_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<LlmSessionModuleOptions>({ moduleName: 'LlmSession' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build()
