import type { LlmClient } from '@llm-session/core'
import { llmSession } from '@llm-session/hono'
import { Hono } from 'hono'
import { expectTypeOf, test } from 'vitest'

test('c.var.llm is typed through the middleware, options are checked', () => {
  const app = new Hono().use(llmSession())
  app.get('/', (c) => {
    expectTypeOf(c.var.llm).toEqualTypeOf<LlmClient>()
    return c.text('ok')
  })
  // @ts-expect-error an unknown option is rejected
  llmSession({ closeSessions: true })
})
