import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Agent, request } from 'undici'
import { describe, expect, it } from 'vitest'

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'testing', 'dist', 'cli.js')

describe('llm-session-mock (built CLI)', () => {
  it('prints the URL and CA path, serves HTTPS, and cleans up on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0', '--tls', '--reply', 'from the cli'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
    const urlLine = String((await lines.next()).value)
    const caLine = String((await lines.next()).value)
    const url = /listening on (https:\/\/\S+)/.exec(urlLine)?.[1] as string
    const caPath = /CA certificate: (\S+)/.exec(caLine)?.[1] as string
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const agent = new Agent({ connect: { ca: readFileSync(caPath, 'utf8') } })
    try {
      const response = await request(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
        dispatcher: agent,
      })
      expect(await response.body.json()).toMatchObject({
        choices: [{ message: { content: 'from the cli' } }],
      })
    } finally {
      await agent.close()
    }
    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
    expect(existsSync(caPath)).toBe(false)
  })
})
