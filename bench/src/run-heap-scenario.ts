import type { BenchConfig } from './bench-config.js'
import { type ChildHandle, startChild } from './child-ipc.js'
import { type ContenderId, contenderLabels } from './contenders.js'
import { startHoldServer } from './hold-server.js'
import { median } from './load-loop.js'

/** The contenders whose retained heap per call is compared (the transport's and ours). */
export const heapContenderIds = ['undici', 'undici-dispatch', 'llm-session'] as const

export interface HeapRound {
  /** Heap after GC with no call in flight, pool open (bytes). */
  idleBytes: number
  /** Heap after GC with `calls` calls in flight (bytes). */
  loadedBytes: number
  /** Requests the server was holding when the loaded heap was taken (the rest wait in the pool). */
  atServer: number
  bytesPerCall: number
  errors: number
  firstError: string | undefined
}

export interface HeapContenderFigures {
  id: ContenderId
  label: string
  rounds: HeapRound[]
  /** Median over rounds. */
  bytesPerCall: number
  errors: number
  firstError: string | undefined
}

export interface HeapFigures {
  id: string
  calls: number
  connections: number
  contenders: HeapContenderFigures[]
}

/**
 * Retained heap per in-flight call: each contender in its own process with --expose-gc, its pool
 * warmed up against a loopback TLS server; per round, heap after GC with none in flight and with
 * `calls` JSON completions waiting for answers the server holds back, the difference over `calls`.
 * The first round is unmeasured (it compiles the held path); rounds rotate the contender order.
 */
export async function runHeapScenario(
  config: BenchConfig,
  log: (line: string) => void,
  calls = 200,
): Promise<HeapFigures> {
  const server = await startHoldServer()
  const children = new Map<ContenderId, ChildHandle>()
  const rounds = new Map<ContenderId, HeapRound[]>(heapContenderIds.map((id) => [id, []]))
  const target = { url: server.url, ca: server.ca, connections: config.connections }
  try {
    for (const id of heapContenderIds) {
      const child = startChild('heap-process', { args: [id], execArgv: ['--expose-gc'] })
      children.set(id, child)
      await child.call('open', target)
      await child.call('warm', { concurrency: calls, durationMs: Math.max(200, config.roundMs) })
    }
    for (let round = 0; round <= config.rounds; round++) {
      const order = heapContenderIds.map((_, i) => heapContenderIds[(i + round) % heapContenderIds.length]!)
      for (const id of order) {
        const child = children.get(id)!
        const idleBytes = await child.call<number>('heap')
        server.hold()
        await child.call('start', { count: calls })
        // Every socket of the pool carries one held request; the rest queue in the client.
        const atServer = await server.waitHeld(Math.min(calls, config.connections), 5_000)
        const loadedBytes = await child.call<number>('heap')
        server.release()
        const settled = await child.call<{ errors: number; firstError: string | undefined }>('settle')
        if (round > 0)
          rounds.get(id)!.push({
            idleBytes,
            loadedBytes,
            atServer,
            bytesPerCall: (loadedBytes - idleBytes) / calls,
            ...settled,
          })
      }
      if (round > 0) log(`  heap-c${calls}: round ${round}/${config.rounds} done`)
    }
  } finally {
    await Promise.all([...children.values()].map((child) => child.stop()))
    await server.close()
  }
  return {
    id: `heap-c${calls}`,
    calls,
    connections: config.connections,
    contenders: heapContenderIds.map((id) => {
      const own = rounds.get(id)!
      return {
        id,
        label: contenderLabels[id],
        rounds: own,
        bytesPerCall: median(own.map((r) => r.bytesPerCall)),
        errors: own.reduce((sum, r) => sum + r.errors, 0),
        firstError: own.find((r) => r.firstError !== undefined)?.firstError,
      }
    }),
  }
}
