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

test('c.var.llm and c.get("llm") are typed on a plain new Hono(), by ContextVariableMap', () => {
  const app = new Hono()
  app.get('/', (c) => {
    expectTypeOf(c.var.llm).toEqualTypeOf<LlmClient>()
    expectTypeOf(c.get('llm')).toEqualTypeOf<LlmClient>()
    // @ts-expect-error a variable nobody declared is still unknown to the map
    c.get('llmm')
    return c.text('ok')
  })
})
