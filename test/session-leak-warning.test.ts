import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'
import { runNode } from './helpers/run-node.js'

// Each case runs in a fresh `node --expose-gc` process against the built package: garbage
// collection and process warnings are process-wide, and a test runner holds objects of its own.
let server: LoopbackServer
beforeAll(async () => {
  server = await startLoopbackServer()
})
afterAll(() => server.close())

const prelude = (origin: string) => `
import { createSession, getDefaultSession, setDefaultSession } from '@llm-session/core'
const origin = ${JSON.stringify(origin)}
const warnings = []
process.on('warning', (warning) => warnings.push({ name: warning.name, code: warning.code, message: warning.message, detail: warning.detail }))
const tick = () => new Promise((resolve) => setImmediate(resolve))
async function use(session) {
  const response = await session.dispatcher.request({ origin, path: '/', method: 'GET' })
  await response.body.text()
  return session.id
}
`

describe('the unclosed-session warning', () => {
  it('fires for a session that becomes unreachable while open, naming its id and where it was created', async () => {
    const run = await runNode(
      `${prelude(server.url)}
async function leakASession() {
  return use(createSession({ name: 'leaky' }))
}
const id = await leakASession()
const unclosed = new Promise((resolve) => process.on('warning', (w) => { if (w.code === 'LLM_SESSION_UNCLOSED') resolve() }))
let seen = false
unclosed.then(() => { seen = true })
// Bounded: collect and give finalizers a turn until the warning arrives.
for (let round = 0; round < 50 && !seen; round++) { globalThis.gc(); await tick() }
console.log(JSON.stringify({ id, warnings }))
process.exit(0)`,
      { args: ['--expose-gc'] },
    )
    expect(run.stderr).toContain('LLM_SESSION_UNCLOSED')
    const { id, warnings } = JSON.parse(run.stdout) as {
      id: string
      warnings: Array<{ code: string; message: string; detail: string }>
    }
    const unclosed = warnings.filter((warning) => warning.code === 'LLM_SESSION_UNCLOSED')
    expect(unclosed).toHaveLength(1)
    expect(unclosed[0]?.message).toContain(id)
    expect(unclosed[0]?.message).toContain('await session.close()')
    expect(unclosed[0]?.message).toMatch(/created at leakASession \(/)
  })

  it('never fires for a closed session nor for the default session', async () => {
    const run = await runNode(
      `${prelude(server.url)}
const collected = new Set()
const watcher = new FinalizationRegistry((label) => collected.add(label))
async function useAndClose() {
  const session = createSession({ name: 'tidy' })
  await use(session)
  await session.close()
  watcher.register(session, 'closed session')
  const closedLater = createSession()
  watcher.register(closedLater.dispatcher, 'closed dispatcher')
  await closedLater.close()
}
async function replaceTheDefault() {
  const first = getDefaultSession()
  await use(first)
  watcher.register(first, 'first default')
  const second = createSession({ name: 'second default' })
  setDefaultSession(second)
  await use(getDefaultSession())
  await second.close()
}
await useAndClose()
await replaceTheDefault()
// A sentinel made after the others: once it is collected and its callback ran, theirs ran too.
watcher.register({}, 'sentinel')
const wanted = ['closed session', 'closed dispatcher', 'first default', 'sentinel']
for (let round = 0; round < 50 && !wanted.every((label) => collected.has(label)); round++) { globalThis.gc(); await tick() }
await tick()
console.log(JSON.stringify({ collected: [...collected].sort(), warnings }))
process.exit(0)`,
      { args: ['--expose-gc'] },
    )
    const { collected, warnings } = JSON.parse(run.stdout) as { collected: string[]; warnings: unknown[] }
    expect(collected).toEqual(['closed dispatcher', 'closed session', 'first default', 'sentinel'])
    expect(warnings).toEqual([])
    expect(run.stderr).not.toContain('LLM_SESSION_UNCLOSED')
  })
})
