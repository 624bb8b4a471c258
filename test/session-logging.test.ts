import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession, getDefaultSession, type SessionLogger } from '../packages/core/src/index.js'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'
import { runNode } from './helpers/run-node.js'

const secrets = [
  'sk-planted-openai-key',
  'planted-anthropic-key',
  'AIza-planted-gemini-key',
  'planted-proxy-pass',
]
let server: LoopbackServer
beforeAll(async () => {
  server = await startLoopbackServer()
})
afterAll(() => server.close())

describe('debug logging', () => {
  it('LLM_SESSION_LOG=debug writes created, socket and closed lines to stderr, with no planted secret', async () => {
    const run = await runNode(
      `import { createSession, getDefaultSession } from '@llm-session/core'
const origin = ${JSON.stringify(server.url)}
const session = createSession({ name: 'api' })
const response = await session.dispatcher.request({
  origin, path: '/v1beta/models/gemini:generateContent?key=${secrets[2]}', method: 'POST', body: '{}',
  headers: { authorization: 'Bearer ${secrets[0]}', 'x-api-key': '${secrets[1]}' },
})
await response.body.text()
await session.close()
getDefaultSession(); getDefaultSession()
console.log(session.id)`,
      { env: { LLM_SESSION_LOG: 'debug' } },
    )
    const id = run.stdout.trim()
    const lines = run.stderr.trim().split('\n')
    const about = (text: string) => lines.filter((line) => line.includes(text) && line.includes(id))
    expect(about('session created')).toHaveLength(1)
    expect(about('socket opened')).toHaveLength(1)
    expect(about('socket closed')).toHaveLength(1)
    expect(about('session closed')).toHaveLength(1)
    expect(about('socket opened')[0]).toContain(server.url)
    expect(lines.some((line) => line.includes('session reused') && line.includes('"name":"default"'))).toBe(
      true,
    )
    for (const secret of secrets) expect(run.stderr).not.toContain(secret)
  })

  it('without LLM_SESSION_LOG nothing is written', async () => {
    const run = await runNode(
      `import { createSession } from '@llm-session/core'
const session = createSession()
await session.close()`,
      { env: { LLM_SESSION_LOG: undefined } },
    )
    expect(run.stderr).toBe('')
  })

  it('the logger option receives pino-style (fields, message) calls', async () => {
    const calls: Array<{ level: string; fields: Record<string, unknown>; message: string | undefined }> = []
    const record =
      (level: string) =>
      (fields: unknown, message?: string): void => {
        calls.push({ level, fields: fields as Record<string, unknown>, message })
      }
    const logger: SessionLogger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    }
    const proxyUrl = `http://user:${secrets[3]}@127.0.0.1:9`
    const session = createSession({ name: 'logged', logger, proxy: proxyUrl })
    await session.close()
    expect(calls.map((call) => call.message)).toEqual([
      'session created',
      'session closing',
      'session closed',
    ])
    expect(calls[0]?.fields).toMatchObject({ session: session.id, name: 'logged', proxy: expect.any(String) })
    expect(JSON.stringify(calls)).not.toContain(secrets[3])
    expect(getDefaultSession().closed).toBe(false)
  })
})
