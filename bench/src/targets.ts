import type { ContenderId } from './contenders.js'
import { median } from './load-loop.js'
import type { ParserRun } from './parser-process.js'
import type { HeapFigures } from './run-heap-scenario.js'
import type { LoadScenarioResult } from './run-load-scenarios.js'
import type { SoakResult } from './soak-process.js'

export interface TargetCheck {
  target: string
  /** The measured value, compared with `limit` by `op`. */
  value: number
  op: '>=' | '<='
  limit: number
  pass: boolean
}

export interface ParserFigures {
  runs: ParserRun[]
  /** ns/byte with 1-byte pieces over ns/byte with 64 KiB pieces (per-piece overhead, informative). */
  tinyToLargePieceRatio: number
  /** ns/byte with 1-byte pieces for the whole event over an eighth of it: 1 when linear, 8 when quadratic. */
  linearityRatio: number
}

const check = (target: string, value: number, op: '>=' | '<=', limit: number): TargetCheck => ({
  target,
  value,
  op,
  limit,
  pass: Number.isFinite(value) && (op === '>=' ? value >= limit : value <= limit),
})

/** llm-session's throughput over another contender's, paired by round. */
function pairedRatio(scenario: LoadScenarioResult, other: ContenderId): number {
  const ours = scenario.contenders.find((c) => c.id === 'llm-session')!.rounds
  const theirs = scenario.contenders.find((c) => c.id === other)!.rounds
  return median(ours.map((r, i) => r.requestsPerSecond / theirs[i]!.requestsPerSecond))
}

export function checkTargets(
  scenarios: LoadScenarioResult[],
  connectionLimit: number,
  parser: ParserFigures | undefined,
  soak: SoakResult | undefined,
  frameworks: { name: string; overhead: number }[],
  heap?: HeapFigures,
): TargetCheck[] {
  const checks: TargetCheck[] = []
  for (const scenario of scenarios) {
    const ours = scenario.contenders.find((c) => c.id === 'llm-session')!
    // The bar of issue 14: faster than hand-written request(), near dispatch()'s limit.
    const bar = scenario.stream
      ? { throughput: 1.3, cpu: 0.85, ofLimit: 0.75 }
      : { throughput: 1.5, cpu: 0.75, ofLimit: 0.8 }
    checks.push(
      check(
        `${scenario.id}: llm-session throughput / raw undici request()`,
        ours.ratioToUndici.requestsPerSecond,
        '>=',
        bar.throughput,
      ),
    )
    checks.push(
      check(
        `${scenario.id}: llm-session CPU per request / raw undici request()`,
        ours.ratioToUndici.cpuUsPerRequest,
        '<=',
        bar.cpu,
      ),
    )
    checks.push(
      check(
        `${scenario.id}: llm-session throughput / undici dispatch limit`,
        pairedRatio(scenario, 'undici-dispatch'),
        '>=',
        bar.ofLimit,
      ),
    )
    checks.push(
      check(
        `${scenario.id}: llm-session TLS handshakes per request`,
        ours.median.tlsHandshakesPerRequest,
        '<=',
        0.01,
      ),
    )
    const peak = Math.max(...ours.rounds.map((r) => r.peakOpenConnections))
    checks.push(
      check(`${scenario.id}: llm-session peak open connections (session limit)`, peak, '<=', connectionLimit),
    )
    if (scenario.id === 'json-c20') {
      checks.push(
        check('json-c20: llm-session throughput / openai package', pairedRatio(scenario, 'openai'), '>=', 2),
      )
      checks.push(
        check('json-c20: llm-session throughput / Vercel AI SDK', pairedRatio(scenario, 'ai-sdk'), '>=', 2),
      )
      checks.push(
        check(
          'json-c20: llm-session throughput / new Agent per call',
          pairedRatio(scenario, 'agent-per-call'),
          '>=',
          5,
        ),
      )
    }
  }
  if (parser !== undefined)
    checks.push(
      check(
        '1 MB SSE event in 1-byte pieces: linear cost (ns/byte, 1 MB / 128 KB)',
        parser.linearityRatio,
        '<=',
        1.5,
      ),
    )
  if (soak !== undefined)
    checks.push(
      check(
        `${soak.requests} requests on one session: heap after GC at end / at 10%`,
        soak.heapRatio,
        '<=',
        1.1,
      ),
    )
  // Issue 14: a binding's route costs no more than the same route on raw undici.
  for (const framework of frameworks)
    checks.push(check(`${framework.name}: /llm route time / /raw route time`, framework.overhead, '<=', 1.0))
  if (heap !== undefined) {
    const bytes = (id: ContenderId) => heap.contenders.find((c) => c.id === id)!.bytesPerCall
    checks.push(
      check(
        `${heap.id}: llm-session retained heap per in-flight call / raw undici request()`,
        bytes('llm-session') / bytes('undici'),
        '<=',
        1.0,
      ),
    )
  }
  return checks
}
