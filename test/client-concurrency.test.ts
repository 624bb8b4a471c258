import { describe, expect, it } from 'vitest'
import { createClient, createSession } from '../packages/core/src/index.js'
import { startLoopbackServer } from './helpers/loopback-server.js'

describe('one session under load', () => {
  it('1,000 calls at concurrency 50 open no more than `connections` sockets, all closed after close()', async () => {
    const server = await startLoopbackServer({
      handler: (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(
          JSON.stringify({
            id: 'c',
            object: 'chat.completion',
            created: 1,
            model: 'm',
            choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          }),
        )
      },
    })
    const session = createSession({ connections: 8 })
    const llm = createClient({ session, providers: { openai: { apiKey: 'k', baseUrl: `${server.url}/v1` } } })
    let nextCall = 0
    let succeeded = 0
    const worker = async () => {
      while (nextCall < 1000) {
        nextCall++
        const result = await llm.completion({
          model: 'openai/gpt-4o',
          messages: [{ role: 'user', content: 'Hi' }],
        })
        if (result.choices[0]?.message.content === 'ok') succeeded++
      }
    }
    await Promise.all(Array.from({ length: 50 }, worker))
    expect(succeeded).toBe(1000)
    expect(server.requests).toHaveLength(1000)
    expect(server.connections).toBeGreaterThan(0)
    expect(server.connections).toBeLessThanOrEqual(8)
    await session.close()
    await server.allClosed()
    expect(server.openConnections).toBe(0)
    await server.close()
  })
})
