import type { LlmClient as CoreLlmClient } from '@llm-session/core'
import { type LlmClient, LlmSessionModule } from '@llm-session/nestjs'
import { expectTypeOf, test } from 'vitest'

test('the injectable LlmClient is the core client, options are checked', () => {
  expectTypeOf<LlmClient>().toMatchTypeOf<CoreLlmClient>()
  LlmSessionModule.forRoot({ isGlobal: true, session: { connections: 4 } })
  LlmSessionModule.forRootAsync({ useFactory: () => ({ session: { connections: 4 } }) })
  // @ts-expect-error an unknown option is rejected
  LlmSessionModule.forRoot({ sesion: { connections: 4 } })
})
