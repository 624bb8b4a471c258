import type { LlmClient } from '@llm-session/core'
import { llmSession } from '@llm-session/express'
import express from 'express'
import { expectTypeOf, test } from 'vitest'

test('req.llm is the client, options are checked', () => {
  const app = express()
  app.post('/chat', (req) => {
    expectTypeOf(req.llm).toEqualTypeOf<LlmClient>()
  })
  // @ts-expect-error an unknown option is rejected
  llmSession({ sessions: { connections: 4 } })
  llmSession({ session: { connections: 4 }, closeSession: false })
})
