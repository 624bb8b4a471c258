// The Nest module in real Nest apps as users build them: a NestJS 11 CommonJS app (tsc to CommonJS,
// require() of our CJS build) and a NestJS 12 ESM app, each on platform-express and platform-fastify,
// stopped by SIGTERM through enableShutdownHooks().
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { type MockProvider, startMockProvider } from '@llm-session/testing'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCaller, sseData } from './helpers/describe-binding.js'

const here = dirname(fileURLToPath(import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

const fixtures = [
  { folder: 'nestjs-11-cjs', nest: 11, loads: /require\("@llm-session\/nestjs"\)/ },
  { folder: 'nestjs-12-esm', nest: 12, loads: /from '@llm-session\/nestjs'/ },
] as const

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider({ tls: true })
})
afterAll(() => mock?.close())

describe.each(fixtures)('a NestJS $nest app ($folder)', ({ folder, nest, loads }) => {
  const root = join(here, folder)

  beforeAll(() => {
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' })
  })

  it(`is built against Nest ${nest} and loads our package the way its module system does`, () => {
    const common = JSON.parse(
      readFileSync(join(root, 'node_modules', '@nestjs', 'common', 'package.json'), 'utf8'),
    ) as { version: string }
    expect(common.version.split('.')[0]).toBe(String(nest))
    expect(readFileSync(join(root, 'dist', 'main.js'), 'utf8')).toMatch(loads)
  })

  describe.each(['express', 'fastify'] as const)('on platform-%s', (platform) => {
    let child: ChildProcess
    let lines: AsyncIterator<string>
    let url: string

    beforeAll(async () => {
      child = spawn(process.execPath, [join(root, 'dist', 'main.js')], {
        env: { ...process.env, MOCK_URL: mock.url, MOCK_CA: mock.ca ?? '', PLATFORM: platform },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
      const first = await lines.next()
      url = (JSON.parse(first.value as string) as { url: string }).url.replace('[::1]', '127.0.0.1')
    })
    afterAll(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })

    it('answers through @Llm() and the injected LlmClient, and streams SSE', async () => {
      const caller = createCaller(url, 4)
      try {
        const answer = await caller.chat()
        expect(answer.status).toBe(200)
        expect(answer.json.object).toBe('chat.completion')
        const response = await caller.stream()
        expect(response.statusCode).toBe(200)
        expect(response.headers['content-type']).toContain('text/event-stream')
        const data: string[] = []
        for await (const frame of sseData(response.body)) data.push(frame)
        expect(data.at(-1)).toBe('[DONE]')
        expect(JSON.parse(data[0]!).object).toBe('chat.completion.chunk')
      } finally {
        await caller.agent.close()
      }
    })

    it('sends the caller’s x-request-id through LlmRequestClient injected by class in a service', async () => {
      const response = await request(`${url}/chat/request-client`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `matrix-${nest}-${platform}` },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      })
      expect(response.statusCode).toBe(200)
      expect(((await response.body.json()) as { object: string }).object).toBe('chat.completion')
      expect(mock.lastRequest()?.headers['x-request-id']).toBe(`matrix-${nest}-${platform}`)
    })

    it('closes its owned session on SIGTERM and exits 0', async () => {
      child.kill('SIGTERM')
      const last = await lines.next()
      const [code] = await once(child, 'exit')
      expect(JSON.parse(last.value as string)).toEqual({ sessionClosed: true })
      expect(code).toBe(0)
    })
  })
})
