// Each example app (examples/<framework>/app.js) started on port 0 against the embedded mock: one
// JSON and one streamed chat, then shutdown with no connection left open at the mock.
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { LlmSession } from '@llm-session/core'
import type { MockProvider } from '@llm-session/testing'
import { Agent, request } from 'undici'
import { describe, expect, it } from 'vitest'
import { sseData } from './helpers/describe-binding.js'

interface StartedExample {
  url: string
  provider: { name: string; mock?: MockProvider }
  session: LlmSession
  close(): Promise<void>
}

type StartExample = (options: {
  port?: number
  env?: Record<string, string>
  mockOptions?: Record<string, unknown>
}) => Promise<StartedExample>

async function loadExample(name: string): Promise<StartExample> {
  const url = pathToFileURL(join(import.meta.dirname, '..', 'examples', name, 'app.js')).href
  return ((await import(url)) as { start: StartExample }).start
}

const body = JSON.stringify({ messages: [{ role: 'user', content: 'hello from the examples test' }] })

describe.each(['express', 'fastify', 'hono', 'nestjs'])('examples/%s', (name) => {
  it('answers a JSON and a streamed chat from the mock, then shuts down with no connection open', async () => {
    const start = await loadExample(name)
    // An empty env: the mock even when a provider key is set on this machine.
    const app = await start({ port: 0, env: {}, mockOptions: { tokens: 6 } })
    const mock = app.provider.mock as MockProvider
    expect(app.provider.name).toBe('mock')
    const caller = new Agent()
    try {
      const chat = await request(`${app.url}/chat`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        dispatcher: caller,
      })
      expect(chat.statusCode).toBe(200)
      const completion = (await chat.body.json()) as { object: string; choices: unknown[] }
      expect(completion.object).toBe('chat.completion')
      expect(completion.choices).toHaveLength(1)

      const streamed = await request(`${app.url}/chat/stream`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        dispatcher: caller,
      })
      expect(streamed.statusCode).toBe(200)
      expect(streamed.headers['content-type']).toMatch(/^text\/event-stream/)
      const frames: string[] = []
      for await (const data of sseData(streamed.body)) frames.push(data)
      expect(frames.at(-1)).toBe('[DONE]')
      expect(frames.length).toBeGreaterThanOrEqual(6)
      expect(mock.stats().requests).toBe(2)
    } finally {
      await caller.close()
      await app.close()
    }
    expect(app.session.closed).toBe(true)
    await mock.waitFor((stats) => stats.openConnections === 0)
    expect(mock.stats().openConnections).toBe(0)
    await mock.close()
  })

  it('answers a body that tries to choose where the key goes with a 400 naming the field, before any I/O', async () => {
    const attacker = createServer((_request, response) => response.end('{}'))
    let attackerConnections = 0
    attacker.on('connection', () => attackerConnections++)
    attacker.listen(0, '127.0.0.1')
    await once(attacker, 'listening')
    const attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/v1`
    const start = await loadExample(name)
    const app = await start({ port: 0, env: {}, mockOptions: { tokens: 2 } })
    const mock = app.provider.mock as MockProvider
    const caller = new Agent()
    const hostile = [
      { baseUrl: attackerUrl },
      { model: 'anthropic/claude-x' },
      { apiKey: 'sk-attacker' },
      { headers: { authorization: 'Bearer x' } },
      { extraBody: { stream: false } },
    ]
    try {
      for (const path of ['/chat', '/chat/stream'])
        for (const fields of hostile) {
          const response = await request(`${app.url}${path}`, {
            method: 'POST',
            body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], ...fields }),
            headers: { 'content-type': 'application/json' },
            dispatcher: caller,
          })
          const answer = (await response.body.json()) as { error: { param: string; type: string } }
          expect(response.statusCode).toBe(400)
          expect(answer.error).toMatchObject({ type: 'invalid_request_error', param: Object.keys(fields)[0] })
        }
      expect(mock.stats().requests).toBe(0)
      expect(attackerConnections).toBe(0)
    } finally {
      await caller.close()
      await app.close()
      await mock.close()
      attacker.close()
    }
  })
})
