import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'
import { startMockProvider } from '../packages/testing/src/index.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// `pnpm demo` is `pnpm build && node examples/demo.js`; the packages are built before the tests.
it('runs the demo to the end: one session, every request served, nothing left open', async () => {
  const env = { ...process.env }
  delete env.OPENAI_API_KEY
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [join(root, 'examples', 'demo.js')],
    {
      cwd: root,
      env,
      timeout: 50_000,
    },
  )
  expect(stdout).toContain('requests served: 400')
  expect(stdout).toContain('sessions created: 1')
  expect(stdout).toMatch(/provider connections: [1-8] \(limit 8\)/)
  expect(stdout).toMatch(/latency ms: p50 [\d.]+, p95 [\d.]+, p99 [\d.]+/)
  expect(stdout).toContain('open connections: 0')
  expect(stdout).toContain('leak warnings: 0')
  // stderr is a pipe here, as in CI: a progress line per tenth of the run, no carriage-return redraws.
  expect(stderr).not.toContain('\r')
  const progress = stderr.split('\n').filter((line) => line.startsWith('progress: '))
  expect(progress.length).toBeGreaterThanOrEqual(10)
  expect(progress.length).toBeLessThanOrEqual(11)
  expect(progress.at(-1)).toBe('progress: 400/400')
})

it('never prints the provider key in its output', async () => {
  // A provider reached by key and base URL, as a real one would be; the mock accepts any key.
  const mock = await startMockProvider()
  const planted = 'sk-planted-demo-SECRET-6b1f2c9e'
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(root, 'examples', 'demo.js')],
      {
        cwd: root,
        env: {
          ...process.env,
          OPENAI_API_KEY: planted,
          OPENAI_BASE_URL: `${mock.url}/v1`,
          LLM_SESSION_LOG: 'debug',
        },
        timeout: 50_000,
      },
    )
    expect(stdout).toContain('provider: openai')
    expect(stdout).toContain('requests served: 10')
    // The key really travelled, in the header OpenAI reads it from.
    expect(mock.lastRequest()?.authHeader).toBe('authorization')
    expect(`${stdout}\n${stderr}`).not.toContain(planted)
    expect(`${stdout}\n${stderr}`).not.toContain(planted.slice(3, 20))
  } finally {
    await mock.close()
  }
})
