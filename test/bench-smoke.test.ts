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
    expect(results.targets.length).toBeGreaterThanOrEqual(20)
    for (const target of results.targets) expect(typeof target.pass).toBe('boolean')
    expect(readFileSync(join(outDir, 'chart.svg'), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>\n$/)
  }, 60_000)
})
