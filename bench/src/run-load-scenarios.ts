import type { BenchConfig } from './bench-config.js'
import { type ChildHandle, startChild } from './child-ipc.js'
import type { RunPayload } from './contender-process.js'
import { type ContenderId, type ContenderTarget, contenderIds, contenderLabels } from './contenders.js'
import { type LoadResult, median } from './load-loop.js'
import type { MockSnapshot } from './mock-server-process.js'

export interface LoadScenario {
  id: string
  title: string
  stream: boolean
  concurrency: number
}

export const loadScenarios: LoadScenario[] = [
  { id: 'json-c1', title: 'JSON completion, concurrency 1', stream: false, concurrency: 1 },
  { id: 'json-c20', title: 'JSON completion, concurrency 20', stream: false, concurrency: 20 },
  { id: 'json-c200', title: 'JSON completion, concurrency 200', stream: false, concurrency: 200 },
  {
    id: 'stream-c20',
    title: 'Streamed completion (300 chunks), concurrency 20',
    stream: true,
    concurrency: 20,
  },
]

/** One contender's measured turn, with what the server saw during it. */
export interface RoundFigures extends LoadResult {
  /** Connections the server accepted during the measured turn. */
  connections: number
  tlsHandshakes: number
  tlsHandshakesPerRequest: number
  /** Most connections open at once during warm-up and measured turn (above what was open before). */
  peakOpenConnections: number
}

export interface ContenderFigures {
  id: ContenderId
  label: string
  rounds: RoundFigures[]
  /** Median of each figure over the rounds. */
  median: Omit<RoundFigures, 'firstError'>
  /** Median over rounds of this contender's figure divided by raw undici's in the same round. */
  ratioToUndici: { requestsPerSecond: number; cpuUsPerRequest: number }
  firstError: string | undefined
}

export interface LoadScenarioResult extends LoadScenario {
  contenders: ContenderFigures[]
}

export interface MockHandle {
  child: ChildHandle
  target: ContenderTarget
  caFile: string
}

const numericKeys = [
  'requests',
  'errors',
  'elapsedMs',
  'requestsPerSecond',
  'p50Ms',
  'p99Ms',
  'cpuUsPerRequest',
  'peakRssMb',
  'connections',
  'tlsHandshakes',
  'tlsHandshakesPerRequest',
  'peakOpenConnections',
] as const

async function runTurn(
  mock: ChildHandle,
  child: ChildHandle,
  payload: RunPayload,
  warmupMs: number,
): Promise<RoundFigures> {
  // global fetch cannot close its pool: after its turn this gives up and counts from what is open.
  const idle = await mock.call<MockSnapshot>('waitIdle', { timeoutMs: Math.min(1_000, payload.durationMs) })
  await child.call('open')
  await mock.call('startPeak')
  await child.call('run', { ...payload, durationMs: warmupMs })
  const before = await mock.call<MockSnapshot>('snapshot')
  const result = await child.call<LoadResult>('run', payload)
  const after = await mock.call<MockSnapshot & { peak: number }>('stopPeak')
  await child.call('close')
  const tlsHandshakes = after.tlsHandshakes - before.tlsHandshakes
  return {
    ...result,
    connections: after.connections - before.connections,
    tlsHandshakes,
    tlsHandshakesPerRequest: result.requests === 0 ? Number.NaN : tlsHandshakes / result.requests,
    peakOpenConnections: Math.max(0, after.peak - idle.openConnections),
  }
}

/** Every contender in its own process, in rounds whose order rotates, one contender at a time. */
export async function runLoadScenario(
  scenario: LoadScenario,
  mock: MockHandle,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<LoadScenarioResult> {
  await mock.child.call('configure', scenario.stream ? { tokens: config.streamTokens } : { tokens: 2 })
  const children = new Map<ContenderId, ChildHandle>()
  for (const id of contenderIds)
    children.set(
      id,
      startChild('contender-process', {
        args: [id],
        env: { ...process.env, NODE_EXTRA_CA_CERTS: mock.caFile },
      }),
    )
  const rounds = new Map<ContenderId, RoundFigures[]>(contenderIds.map((id) => [id, []]))
  try {
    for (const [, child] of children) await child.call('setup', mock.target)
    const payload: RunPayload = {
      stream: scenario.stream,
      concurrency: scenario.concurrency,
      durationMs: config.roundMs,
    }
    for (let round = 0; round < config.rounds; round++) {
      const order = contenderIds.map((_, i) => contenderIds[(i + round) % contenderIds.length]!)
      for (const id of order) {
        const figures = await runTurn(mock.child, children.get(id)!, payload, config.warmupMs)
        rounds.get(id)!.push(figures)
      }
      log(`  ${scenario.id}: round ${round + 1}/${config.rounds} done`)
    }
  } finally {
    await Promise.all([...children.values()].map((child) => child.stop()))
  }
  const undiciRounds = rounds.get('undici')!
  const contenders = contenderIds.map((id): ContenderFigures => {
    const own = rounds.get(id)!
    const med = Object.fromEntries(
      numericKeys.map((key) => [key, median(own.map((r) => r[key]))]),
    ) as ContenderFigures['median']
    const paired = (key: 'requestsPerSecond' | 'cpuUsPerRequest') =>
      median(own.map((r, i) => r[key] / undiciRounds[i]![key]))
    return {
      id,
      label: contenderLabels[id],
      rounds: own,
      median: med,
      ratioToUndici: {
        requestsPerSecond: paired('requestsPerSecond'),
        cpuUsPerRequest: paired('cpuUsPerRequest'),
      },
      firstError: own.find((r) => r.firstError !== undefined)?.firstError,
    }
  })
  return { ...scenario, contenders }
}
