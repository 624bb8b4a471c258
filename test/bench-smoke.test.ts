import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'))

afterAll(() => rmSync(outDir, { recursive: true, force: true }))

const contenders = ['undici', 'undici-dispatch', 'llm-session', 'agent-per-call', 'fetch', 'openai', 'ai-sdk']
const scenarios = ['json-c1', 'json-c20', 'json-c200', 'stream-c20']

// A tiny run of the real harness (built by `pnpm build`): it must complete and write well-formed
// results for every contender. Speeds are not asserted; the benchmark itself reports them.
describe('pnpm bench (smoke, tiny counts)', () => {
  it('runs every scenario and contender and writes results.json and chart.svg', async () => {
    const { stdout } = await run(process.execPath, [join(repoRoot, 'bench', 'dist', 'run-bench.js')], {
      env: {
        ...process.env,
        BENCH_ROUNDS: '1',
        BENCH_ROUND_MS: '40',
        BENCH_SOAK_REQUESTS: '300',
        BENCH_EVENT_BYTES: '16384',
        BENCH_STREAM_TOKENS: '20',
        BENCH_OUT: outDir,
      },
      timeout: 50_000,
    })
    expect(stdout).toContain('== Targets ==')
    const results = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'))
    expect(results.scenarios.map((s: { id: string }) => s.id)).toEqual(scenarios)
    for (const scenario of results.scenarios) {
      expect(scenario.contenders.map((c: { id: string }) => c.id)).toEqual(contenders)
      for (const contender of scenario.contenders) {
        expect(contender.rounds).toHaveLength(1)
        // Every contender completed calls without errors against the TLS mock.
        expect(contender.median.errors, `${scenario.id} ${contender.id}: ${contender.firstError}`).toBe(0)
        expect(contender.median.requests).toBeGreaterThan(0)
        expect(contender.median.requestsPerSecond).toBeGreaterThan(0)
        expect(contender.median.cpuUsPerRequest).toBeGreaterThan(0)
        expect(contender.median.peakRssMb).toBeGreaterThan(0)
      }
      const perCall = scenario.contenders.find((c: { id: string }) => c.id === 'agent-per-call')
      // A new Agent per call shakes hands for every request: the server's counts reach the report.
      expect(perCall.median.tlsHandshakes).toBe(perCall.median.requests)
      expect(scenario.contenders[0].ratioToUndici.requestsPerSecond).toBe(1)
    }
    expect(results.parser.runs).toHaveLength(3)
    expect(results.soak).toMatchObject({ requests: 300, errors: 0 })
    expect(results.frameworks.map((f: { name: string }) => f.name)).toEqual(['express', 'fastify', 'hono'])
    for (const framework of results.frameworks)
      for (const run of [...framework.raw, ...framework.llm]) expect(run).toMatchObject({ errors: 0 })
    // Retained heap per in-flight call: every call was held by the server, then answered.
    expect(results.heap.contenders.map((c: { id: string }) => c.id)).toEqual([
      'undici',
      'undici-dispatch',
      'llm-session',
    ])
    for (const contender of results.heap.contenders) {
      expect(contender.errors, `heap ${contender.id}: ${contender.firstError}`).toBe(0)
      expect(contender.rounds).toHaveLength(1)
      expect(contender.rounds[0].atServer).toBe(64)
      // 200 calls in flight keep something alive; a measure of nothing would be near 0.
      expect(contender.bytesPerCall).toBeGreaterThan(200)
    }
    const targetNames = results.targets.map((t: { target: string }) => t.target)
    expect(targetNames).toContain(
      'heap-c200: llm-session retained heap per in-flight call / raw undici request()',
    )
    for (const name of ['express', 'fastify', 'hono'])
      expect(targetNames).toContain(`${name}: /llm route time / /raw route time`)
    expect(stdout).toContain('== Retained heap per in-flight call')
    expect(results.targets.length).toBeGreaterThanOrEqual(20)
    for (const target of results.targets) expect(typeof target.pass).toBe('boolean')
    expect(readFileSync(join(outDir, 'chart.svg'), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>\n$/)
  }, 60_000)

  it('pnpm bench:profile writes the top self-time functions of both scenarios', async () => {
    await run(process.execPath, [join(repoRoot, 'bench', 'dist', 'profile-run.js')], {
      env: {
        ...process.env,
        BENCH_ROUND_MS: '40',
        BENCH_STREAM_TOKENS: '20',
        BENCH_PROFILE_LABEL: 'smoke',
        BENCH_OUT: outDir,
      },
      timeout: 30_000,
    })
    const text = readFileSync(join(outDir, 'profile-smoke.txt'), 'utf8')
    expect(text).toContain('== JSON completion, concurrency 20:')
    expect(text).toContain('== Streamed completion (20 chunks), concurrency 20:')
    // Each section lists functions with their self time and share, and names no machine path.
    expect(text).toMatch(/^ +\d+ +\d+\.\d +\d+\.\d {2}\S/m)
    expect(text).toMatch(/\(packages\/core\/dist\/[\w.-]+:\d+\)/)
    expect(text).not.toContain(repoRoot)
  }, 40_000)
})
