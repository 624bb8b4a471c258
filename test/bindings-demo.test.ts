import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// `pnpm demo` is `pnpm build && node examples/demo.js`; the packages are built before the tests.
it('runs the demo to the end: one session, every request served, nothing left open', async () => {
  const env = { ...process.env }
  delete env.OPENAI_API_KEY
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'examples', 'demo.js')], {
    cwd: root,
    env,
    timeout: 50_000,
  })
  expect(stdout).toContain('requests served: 400')
  expect(stdout).toContain('sessions created: 1')
  expect(stdout).toMatch(/provider connections: [1-8] \(limit 8\)/)
  expect(stdout).toMatch(/latency ms: p50 [\d.]+, p95 [\d.]+, p99 [\d.]+/)
  expect(stdout).toContain('open connections: 0')
  expect(stdout).toContain('leak warnings: 0')
})
