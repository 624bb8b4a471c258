import type { LlmClient, LlmSession } from '@llm-session/core'
import { llmSession } from '@llm-session/fastify'
import Fastify from 'fastify'
import { expectTypeOf, test } from 'vitest'

test('app.llm and request.llm are typed, options are checked', async () => {
  const app = Fastify()
  await app.register(llmSession, { session: { connections: 4 } })
  expectTypeOf(app.llm).toEqualTypeOf<LlmClient>()
  expectTypeOf(app.llmSession).toEqualTypeOf<LlmSession>()
  app.get('/', (request) => {
    expectTypeOf(request.llm).toEqualTypeOf<LlmClient>()
    return 'ok'
  })
  // @ts-expect-error an unknown option is rejected
  await app.register(llmSession, { sesion: { connections: 4 } })
})
