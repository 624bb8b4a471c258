// The four example apps as an attacker meets them: a provider (a loopback server posing as OpenAI)
// that echoes the key, redirects, or fails inside a 200 stream, and bodies that try to choose the
// host. Asserted: what the HTTP caller received, that the attacker host was never reached, and what
// the framework logs (Fastify's pino, Nest's Logger) contain.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Agent, request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LoopbackServer } from '../helpers/loopback-server.js'
import {
  type Answer,
  attackerFigures,
  type ProviderHost,
  planted,
  startAttackerHost,
  startProviderHost,
} from './support/attacker-hosts.js'
import { writeFigures } from './support/scale.js'
import { createSecretScanner } from './support/secret-scan.js'

interface StartedExample {
  url: string
  close(): Promise<void>
}
type Start = (options: {
  port?: number
  env?: Record<string, string>
  logger?: boolean
}) => Promise<StartedExample>

const load = async (name: string) =>
  (await import(pathToFileURL(join(import.meta.dirname, '..', '..', 'examples', name, 'app.js')).href)) as {
    start: Start
    buildApp?: (options: object) => Promise<{ listen(o: object): Promise<string>; close(): Promise<void> }>
  }

let host: ProviderHost
let attacker: LoopbackServer
const caller = new Agent()
const scanner = createSecretScanner({ openaiKey: planted.openaiKey })
beforeAll(async () => {
  host = await startProviderHost()
  attacker = await startAttackerHost()
})
afterAll(async () => {
  await caller.close()
  await host.close()
  await attacker.close()
  attackerFigures.surfacesScanned += scanner.surfaces
  attackerFigures.secretsFound += scanner.findings().length
  writeFigures('attacker-apps', attackerFigures)
})

const env = () => ({ OPENAI_API_KEY: planted.openaiKey, OPENAI_BASE_URL: `${host.url}/v1` })
const chat = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })
const echo401: Answer = (request, response) => {
  response.writeHead(401, { 'content-type': 'application/json', 'x-request-id': 'req_echo' })
  response.end(
    JSON.stringify({
      error: {
        message: `Incorrect API key provided: ${request.headers.authorization}\nINFO forged`,
        type: 'invalid_request_error',
      },
    }),
  )
}
const redirect: Answer = (_request, response) => {
  response.writeHead(307, { location: `${attacker.url}/v1/chat/completions` })
  response.end()
}
const streamError: Answer = (request, response) => {
  response.writeHead(200, { 'content-type': 'text/event-stream' })
  const chunk = {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
  }
  response.end(
    `data: ${JSON.stringify(chunk)}\n\ndata: ${JSON.stringify({ error: { message: `key ${request.headers.authorization} revoked at ${host.url}`, type: 'server_error' } })}\n\n`,
  )
}

const rows: Array<{
  name: string
  path: string
  body: string
  answer?: Answer
  status: number
  attackerUntouched?: boolean
}> = [
  {
    name: 'a body choosing the host',
    path: '/chat',
    body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }], baseUrl: 'http://2130706433:1/v1' }),
    status: 400,
  },
  {
    name: 'a body choosing the provider',
    path: '/chat',
    body: JSON.stringify({
      messages: [{ role: 'user', content: 'x' }],
      model: 'anthropic/claude-sonnet-4-5',
    }),
    status: 400,
  },
  { name: 'a provider echoing the key', path: '/chat', body: chat, answer: echo401, status: 502 },
  {
    name: 'a provider redirecting to the attacker',
    path: '/chat',
    body: chat,
    answer: redirect,
    status: 502,
    attackerUntouched: true,
  },
  {
    name: 'a key echoed inside a 200 stream',
    path: '/chat/stream',
    body: chat,
    answer: streamError,
    status: 200,
  },
]

async function attack(app: StartedExample, name: string) {
  const wrong: string[] = []
  for (const row of rows) {
    attackerFigures.hostileInputsTried++
    if (row.name.includes('host')) attackerFigures.ssrfAttempts++
    host.answer = row.answer
    const before = attacker.connections
    const response = await request(`${app.url}${row.path}`, {
      method: 'POST',
      body: row.body,
      headers: { 'content-type': 'application/json' },
      dispatcher: caller,
    })
    const text = await response.body.text()
    host.answer = undefined
    scanner.addText(`${name}: ${row.name}`, text)
    const problems = [
      response.statusCode !== row.status && `status ${response.statusCode}`,
      attacker.connections !== before && 'the attacker host was reached',
      text.includes(host.url) && 'the provider URL reached the caller',
      /Incorrect API key|revoked|forged/.test(text) && 'upstream text reached the caller',
    ].filter(Boolean)
    if (problems.length > 0) wrong.push(`${name}, ${row.name}: ${problems.join(', ')}`)
    else {
      attackerFigures.hostileInputsHandled++
      if (row.name.includes('host')) attackerFigures.ssrfRefused++
    }
  }
  return wrong
}

// First: a Nest app started with `logger: false` turns Nest's Logger off for the whole process.
describe('attacker: framework logs', () => {
  it("Fastify's pino and Nest's Logger never print the key", async () => {
    const lines: string[] = []
    const fastify = await load('fastify')
    const app = await fastify.buildApp!({
      model: 'openai/gpt-4o-mini',
      llm: { client: { providers: { openai: { apiKey: planted.openaiKey, baseUrl: `${host.url}/v1` } } } },
      logger: { level: 'debug', stream: { write: (line: string) => lines.push(line) } },
    })
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const writes: string[] = []
    const original = { out: process.stdout.write, err: process.stderr.write }
    const capture = (chunk: unknown) => {
      writes.push(String(chunk))
      return true
    }
    try {
      await attack({ url, close: () => app.close() }, 'fastify (logged)')
      process.stdout.write = capture as typeof process.stdout.write
      process.stderr.write = capture as typeof process.stderr.write
      const nest = await (await load('nestjs')).start({ port: 0, env: env(), logger: true })
      try {
        await attack(nest, 'nestjs (logged)')
      } finally {
        await nest.close()
      }
    } finally {
      process.stdout.write = original.out
      process.stderr.write = original.err
      await app.close()
    }
    expect(lines.some((line) => /llm call failed/.test(line))).toBe(true)
    expect(writes.some((line) => /LlmSessionModule|Nest/.test(line))).toBe(true)
    for (const line of [...lines, ...writes]) scanner.addText('framework log', line)
    expect(scanner.findings()).toEqual([])
  })
})

describe.each(['express', 'fastify', 'hono', 'nestjs'])('attacker through examples/%s', (name) => {
  it('the caller gets fixed errors, the attacker host nothing, and no secret anywhere', async () => {
    const { start } = await load(name)
    const app = await start({ port: 0, env: env() })
    try {
      expect(await attack(app, name)).toEqual([])
    } finally {
      await app.close()
    }
    expect(scanner.findings()).toEqual([])
  })
})
