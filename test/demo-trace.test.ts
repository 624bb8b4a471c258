import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// The packages are built before the tests (`pnpm test` builds first).
it('the demo with --trace prints where its time went, from the spans and metrics it recorded', async () => {
  const env = { ...process.env }
  delete env.OPENAI_API_KEY
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(root, 'examples', 'demo.js'), '--trace'],
    {
      cwd: root,
      env,
      timeout: 50_000,
    },
  )
  expect(stdout).toContain('trace: 400 GenAI spans (0 failed, 400 HTTP attempts)')
  expect(stdout).toMatch(/trace: span duration ms p50 [\d.]+, p95 [\d.]+/)
  expect(stdout).toMatch(/trace: time to first chunk ms p50 [\d.]+, p95 [\d.]+ \(100 streams\)/)
  expect(stdout).toMatch(/trace: tokens in [1-9]\d*, out [1-9]\d*/)
  expect(stdout).toMatch(
    /trace: metrics gen_ai.client.operation.duration 400 values, sockets opened [1-8], TLS handshakes [1-8]/,
  )
  expect(stdout).toContain('requests served: 400')
})
