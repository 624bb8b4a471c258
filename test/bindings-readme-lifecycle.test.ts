// The README's Usage snippet of Express and Hono, run as written in its own Node process (only the
// port changed to 0 on 127.0.0.1): it serves a chat, and SIGTERM lets the process exit by itself,
// which it does only if `server.close()` stops the server and the session then closes.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { startMockProvider } from '@llm-session/testing'
import ts from 'typescript'
import { Agent, request } from 'undici'
import { describe, expect, it } from 'vitest'
import { readmeSnippet } from './helpers/readme-snippets.js'
import { repoRoot } from './helpers/run-node.js'

const cases = [
  { name: 'express', listen: ['app.listen(3000)', "app.listen(0, '127.0.0.1')"] },
  { name: 'hono', listen: ['port: 3000', "port: 0, hostname: '127.0.0.1'"] },
] as const

function runnable(code: string, [written, local]: readonly [string, string]): string {
  expect(code).toContain(written)
  expect(code).toContain('const server = llm.attach(')
  expect(code).toContain("process.once('SIGTERM', () => server.close())")
  const source = `${code.replace(written, local)}
server.once('listening', () => console.log('listening ' + server.address().port))
`
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText
}

async function portOf(child: ChildProcess): Promise<number> {
  let output = ''
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    output += chunk.toString()
    const match = /listening (\d+)/.exec(output)
    if (match !== null) return Number(match[1])
  }
  throw new Error(`the snippet exited before listening: ${output}`)
}

describe.each(cases)('the $name README Usage snippet', ({ name, listen }) => {
  it('serves a chat, and on SIGTERM stops listening, closes the session and lets the process exit', async () => {
    const mock = await startMockProvider()
    const code = runnable(readmeSnippet(`packages/${name}/README.md`, 'Usage').code, listen)
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd: repoRoot,
      env: { ...process.env, OPENAI_API_KEY: 'sk-test-not-a-real-key', OPENAI_BASE_URL: `${mock.url}/v1` },
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 30_000,
    })
    const exited = once(child, 'exit')
    try {
      const port = await portOf(child)
      const agent = new Agent()
      const response = await request(`http://127.0.0.1:${port}/chat`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] }),
      })
      expect(response.statusCode).toBe(200)
      expect(await response.body.json()).toMatchObject({ object: 'chat.completion' })
      await agent.close()
      expect(mock.stats().requests).toBe(1)

      child.kill('SIGTERM')
      // Exits with 0 on its own: nothing (server, session sockets) keeps the event loop alive.
      expect(await exited).toEqual([0, null])
      await mock.waitFor((stats) => stats.openConnections === 0)
      expect(mock.stats().openConnections).toBe(0)
    } finally {
      child.kill('SIGKILL')
      await mock.close()
    }
  })
})
