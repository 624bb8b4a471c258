import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createSession,
  getDefaultSession,
  InvalidArgumentError,
  type LlmSession,
  setDefaultSession,
} from '../packages/core/src/index.js'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'
import { runNode } from './helpers/run-node.js'

let server: LoopbackServer
beforeAll(async () => {
  server = await startLoopbackServer()
})
afterAll(() => server.close())

describe('the default session', () => {
  it('is created lazily, handed out again, and replaced by setDefaultSession()', async () => {
    const first = getDefaultSession()
    expect(first.name).toBe('default')
    expect(getDefaultSession()).toBe(first)

    const mine = createSession({ name: 'mine' })
    setDefaultSession(mine)
    expect(getDefaultSession()).toBe(mine)
    await mine.close()
    const fresh = getDefaultSession()
    expect(fresh).not.toBe(mine)
    expect(fresh.closed).toBe(false)
    await first.close()
    await fresh.close()
  })

  it('refuses something that is not a session', () => {
    expect(() => setDefaultSession({} as LlmSession)).toThrow(InvalidArgumentError)
  })

  it('does not keep the process alive once idle (the process exits by itself after a request)', async () => {
    const run = await runNode(
      `import { getDefaultSession } from '@llm-session/core'
const session = getDefaultSession()
const response = await session.dispatcher.request({ origin: ${JSON.stringify(server.url)}, path: '/', method: 'GET' })
console.log(await response.body.text())
console.log(JSON.stringify(session.stats()))`,
      { timeout: 15_000 },
    )
    expect(run.code).toBe(0)
    const [body, stats] = run.stdout.trim().split('\n')
    expect(body).toBe('{"ok":true}')
    // The socket was still open when the process decided to exit: only unref'd handles were left.
    expect(JSON.parse(stats ?? '{}')).toMatchObject({ requests: 1, socketsOpen: 1 })
  })
})
