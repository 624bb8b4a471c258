import type { LlmClient as CoreLlmClient } from '@llm-session/core'
import {
  type LlmClient,
  type LlmRequestClient,
  LlmSessionModule,
  type LlmSessionModuleAsyncOptions,
  type LlmSessionModuleOptions,
  type LlmSessionOptionsFactory,
} from '@llm-session/nestjs'
import { RequestMethod } from '@nestjs/common'
import { expectTypeOf, test } from 'vitest'

test('the injectable LlmClient is the core client, options are checked', () => {
  expectTypeOf<LlmClient>().toMatchTypeOf<CoreLlmClient>()
  expectTypeOf<LlmRequestClient>().toMatchTypeOf<CoreLlmClient>()
  LlmSessionModule.forRoot({ isGlobal: true, session: { connections: 4 } })
  LlmSessionModule.forRoot({ exclude: ['health', { path: 'metrics', method: RequestMethod.GET }] })
  LlmSessionModule.forRootAsync({ useFactory: () => ({ session: { connections: 4 } }) })
  // @ts-expect-error an unknown option is rejected
  LlmSessionModule.forRoot({ sesion: { connections: 4 } })
})

test('forRootAsync takes an LlmSessionOptionsFactory class, typed by LlmSessionModuleAsyncOptions', () => {
  class LlmConfig implements LlmSessionOptionsFactory {
    createLlmSessionOptions(): LlmSessionModuleOptions {
      return { session: { connections: 4 } }
    }
  }
  const asyncOptions: LlmSessionModuleAsyncOptions = { isGlobal: true, useClass: LlmConfig }
  LlmSessionModule.forRootAsync(asyncOptions)
  class WrongFactory {
    createOptions() {
      return {}
    }
  }
  // @ts-expect-error the factory class must have createLlmSessionOptions()
  LlmSessionModule.forRootAsync({ useClass: WrongFactory })
})
