import { median } from './load-loop.js'
import type { FrameworkFigures } from './run-framework-scenario.js'
import type { HeapFigures } from './run-heap-scenario.js'
import type { LoadScenarioResult } from './run-load-scenarios.js'
import type { ParserFigures, TargetCheck } from './targets.js'

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '-')

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** One table per scenario: medians over rounds, and ratios to raw undici paired by round. */
export function formatLoadScenario(scenario: LoadScenarioResult): string {
  const header = [
    'contender',
    'req/s',
    'x undici',
    'p50 ms',
    'p99 ms',
    'CPU us/req',
    'x undici',
    'conns',
    'TLS/req',
    'peak open',
    'RSS MB',
    'errors',
  ]
  const rows = scenario.contenders.map((c) => [
    c.label,
    fmt(c.median.requestsPerSecond),
    fmt(c.ratioToUndici.requestsPerSecond, 2),
    fmt(c.median.p50Ms, 2),
    fmt(c.median.p99Ms, 2),
    fmt(c.median.cpuUsPerRequest),
    fmt(c.ratioToUndici.cpuUsPerRequest, 2),
    fmt(c.median.connections),
    fmt(c.median.tlsHandshakesPerRequest, 3),
    fmt(Math.max(...c.rounds.map((r) => r.peakOpenConnections))),
    fmt(c.median.peakRssMb),
    fmt(c.rounds.reduce((sum, r) => sum + r.errors, 0)),
  ])
  const errors = scenario.contenders
    .filter((c) => c.firstError !== undefined)
    .map((c) => `  ${c.label}: first error: ${c.firstError}`)
  return [`== ${scenario.title} ==`, table(header, rows), ...errors].join('\n')
}

export function formatParser(parser: ParserFigures): string {
  const rows = parser.runs.map((r) => [
    `${r.eventBytes} B event`,
    `${r.pieceBytes} B pieces`,
    fmt(r.medianMs, 1),
    fmt(r.nsPerByte, 1),
  ])
  return [
    '== One large SSE event through the stream decoder ==',
    table(['event', 'pieces', 'ms', 'ns/byte'], rows),
    `1-byte / 64 KiB pieces, time per byte: ${fmt(parser.tinyToLargePieceRatio, 1)}x (per-piece overhead)`,
    `1-byte pieces, time per byte, whole event / an eighth: ${fmt(parser.linearityRatio, 2)}x (1 = linear, 8 = quadratic)`,
  ].join('\n')
}

export function formatTargets(checks: TargetCheck[]): string {
  const rows = checks.map((c) => [c.pass ? 'PASS' : 'MISS', c.target, fmt(c.value, 3), `${c.op} ${c.limit}`])
  return ['== Targets ==', table(['', 'target', 'value', 'limit'], rows)].join('\n')
}

export function formatFrameworks(frameworks: FrameworkFigures[]): string {
  const rows = frameworks.map((f) => [
    f.name,
    fmt(f.rawRequestsPerSecond),
    fmt(f.llmRequestsPerSecond),
    fmt(f.overhead, 3),
    f.overhead <= 1 ? 'PASS' : 'MISS',
    fmt([...f.raw, ...f.llm].reduce((sum, r) => sum + r.errors, 0)),
  ])
  return [
    '== Framework routes, concurrency 20: /llm (req.llm) against /raw (raw undici) in the same app ==',
    table(['framework', '/raw req/s', '/llm req/s', '/llm time x /raw', '<= 1.0', 'errors'], rows),
  ].join('\n')
}

export function formatHeap(heap: HeapFigures): string {
  const raw = heap.contenders.find((c) => c.id === 'undici')!.bytesPerCall
  const rows = heap.contenders.map((c) => [
    c.label,
    fmt(c.bytesPerCall),
    fmt(c.bytesPerCall / raw, 2),
    fmt(median(c.rounds.map((r) => r.idleBytes)) / 1024 / 1024, 2),
    fmt(median(c.rounds.map((r) => r.atServer))),
    fmt(c.errors),
  ])
  const ours = heap.contenders.find((c) => c.id === 'llm-session')!.bytesPerCall
  const errors = heap.contenders
    .filter((c) => c.firstError !== undefined)
    .map((c) => `  ${c.label}: first error: ${c.firstError}`)
  return [
    `== Retained heap per in-flight call: ${heap.calls} JSON completions held by the server, ${heap.connections} sockets ==`,
    table(['contender', 'bytes/call', 'x undici', 'idle heap MB', 'at server', 'errors'], rows),
    `llm-session <= raw undici request(): ${ours <= raw ? 'PASS' : 'MISS'}`,
    ...errors,
  ].join('\n')
}
