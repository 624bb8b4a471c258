import { llmSession } from '@llm-session/fastify'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { describeBinding } from './helpers/describe-binding.js'
import { startFastifyApp } from './helpers/start-fastify-app.js'

describeBinding('fastify', startFastifyApp)

describe('fastify plugin registration', () => {
  it('refuses a second registration on the same instance', async () => {
    const app = Fastify()
    await app.register(llmSession)
    await expect(app.register(llmSession)).rejects.toThrow(/already registered/)
    await app.close()
  })
})
