import { describe, expect, it } from 'vitest'
import { runNode } from './helpers/run-node.js'

// Fresh processes: the global dispatcher is process-wide and vitest's own process may have set it.
const read = `const legacy = Symbol.for('undici.globalDispatcher.1'), current = Symbol.for('undici.globalDispatcher.2')
const snapshot = () => [globalThis[legacy], globalThis[current]]`

describe('the process global dispatcher', () => {
  it('is the same before and after importing the package, and after creating a session (ESM)', async () => {
    const run = await runNode(`${read}
const before = snapshot()
const core = await import('@llm-session/core')
const afterImport = snapshot()
const session = core.createSession()
const { Agent } = await import('undici')
const afterSession = snapshot()
await session.close()
console.log(JSON.stringify({
  undefinedBefore: before[0] === undefined,
  sameAfterImport: afterImport[0] === before[0] && afterImport[1] === before[1],
  npmUndiciInstalledItself: afterSession[0] instanceof Agent,
}))`)
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({
      undefinedBefore: true,
      sameAfterImport: true,
      npmUndiciInstalledItself: false,
    })
  })

  it("keeps undici's getGlobalDispatcher() the same object when undici was loaded first (CommonJS)", async () => {
    const run = await runNode(`${read}
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const undici = require('undici')
const before = undici.getGlobalDispatcher()
const core = require('@llm-session/core')
const session = core.createSession()
await session.close()
core.getDefaultSession()
console.log(JSON.stringify({
  same: undici.getGlobalDispatcher() === before && snapshot()[0] === before,
}))`)
    expect(JSON.parse(run.stdout)).toEqual({ same: true })
  })
})
