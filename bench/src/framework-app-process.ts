// One framework app in its own process with two routes doing the same work: `/raw` calls the
// mock with raw undici on a shared Agent, `/llm` calls it through the binding's request client.
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createSession } from '@llm-session/core'
import { llmSession as expressLlm } from '@llm-session/express'
import { llmSession as fastifyLlm } from '@llm-session/fastify'
import { llmSession as honoLlm, type LlmSessionEnv } from '@llm-session/hono'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { Agent } from 'undici'
import { serveCalls } from './child-ipc.js'

export type FrameworkId = 'express' | 'fastify' | 'hono'

const framework = process.argv[2] as FrameworkId
const messages = [{ role: 'user' as const, content: 'Hello there' }]
let stop: (() => Promise<void>) | undefined

async function start(target: { url: string; ca: string; connections: number }): Promise<number> {
  const agent = new Agent({ connections: target.connections, connect: { ca: target.ca } })
  const session = createSession({ connections: target.connections, tls: { ca: target.ca } })
  const client = { providers: { openai: { apiKey: 'sk-bench', baseUrl: `${target.url}/v1` } } }
  const request = { model: 'openai/gpt-4o-mini', messages }
  const raw = async (): Promise<unknown> => {
    const res = await agent.request({
      origin: target.url,
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages }),
    })
    return res.body.json()
  }
  const closeAll = async () => {
    await agent.close()
    await session.close()
  }
  if (framework === 'express') {
    const app = express()
    const llm = expressLlm({ session, client })
    app.use(llm)
    app.get('/raw', async (_req, res) => {
      res.json(await raw())
    })
    app.get('/llm', async (req, res) => {
      res.json(await req.llm.completion(request))
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    stop = async () => {
      await new Promise((resolve) => server.close(resolve))
      await closeAll()
    }
    return (server.address() as AddressInfo).port
  }
  if (framework === 'fastify') {
    const app = Fastify()
    await app.register(fastifyLlm, { session, client })
    app.get('/raw', () => raw())
    app.get('/llm', (req) => req.llm.completion(request))
    await app.listen({ port: 0, host: '127.0.0.1' })
    stop = async () => {
      await app.close()
      await closeAll()
    }
    return (app.server.address() as AddressInfo).port
  }
  const app = new Hono<LlmSessionEnv>()
  app.use('/llm', honoLlm({ session, client }))
  app.get('/raw', async (c) => c.json(await raw()))
  app.get('/llm', async (c) => c.json(await c.var.llm.completion(request)))
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  stop = async () => {
    await new Promise((resolve) => server.close(resolve))
    await closeAll()
  }
  return (server.address() as AddressInfo).port
}

serveCalls({ start }, async () => {
  await stop?.()
})
