import { EventEmitter } from 'node:events'

/** Counters the mock keeps from real socket and request events. */
export interface MockProviderStats {
  /** TCP connections accepted since start (or the last `reset()`). */
  connections: number
  /** Connections open right now. */
  openConnections: number
  /** The most connections open at once (since start or the last `reset()`). */
  peakOpenConnections: number
  /** TLS handshakes completed ('secureConnection'). */
  tlsHandshakes: number
  /** Requests received. */
  requests: number
  /** Responses sent to the end. */
  responses: number
  /** Requests whose client went away before the response was finished. */
  aborted: number
  /** Faults injected. */
  faults: number
  /** Times a write had to wait for 'drain' because the client read slowly. */
  drainWaits: number
  /** Requests to the token endpoint. */
  tokenRequests: number
  /** Access tokens the token endpoint issued. */
  tokensIssued: number
  /** Bedrock requests whose SigV4 signature the mock checked and accepted. */
  signaturesVerified: number
  /** Requests per route, e.g. `{ 'openai.chat.stream': 2, 'anthropic.messages': 1 }`. */
  byRoute: Record<string, number>
  /** Injected faults per name, e.g. `{ 'fail-429': 1 }`. */
  byFault: Record<string, number>
}

/** A counter of `MockProviderStats` that `waitFor()` can wait on. */
export type MockCounterName = Exclude<keyof MockProviderStats, 'byRoute' | 'byFault'>

export function createEmptyStats(openConnections = 0): MockProviderStats {
  return {
    connections: 0,
    openConnections,
    peakOpenConnections: openConnections,
    tlsHandshakes: 0,
    requests: 0,
    responses: 0,
    aborted: 0,
    faults: 0,
    drainWaits: 0,
    tokenRequests: 0,
    tokensIssued: 0,
    signaturesVerified: 0,
    byRoute: {},
    byFault: {},
  }
}

/** Holds the counters and tells waiters when one changes. */
export class MockStatsRecorder extends EventEmitter {
  current: MockProviderStats = createEmptyStats()

  increment(name: MockCounterName, by = 1): void {
    this.current[name] += by
    this.emit('change')
  }

  count(map: 'byRoute' | 'byFault', key: string): void {
    this.current[map][key] = (this.current[map][key] ?? 0) + 1
    this.emit('change')
  }

  snapshot(): MockProviderStats {
    return { ...this.current, byRoute: { ...this.current.byRoute }, byFault: { ...this.current.byFault } }
  }

  reset(): void {
    this.current = createEmptyStats(this.current.openConnections)
    this.emit('change')
  }

  /** Resolves once `predicate` holds; rejects after `timeoutMs` with the stats in the message. */
  waitFor(
    predicate: (stats: MockProviderStats) => boolean,
    description: string,
    timeoutMs: number,
  ): Promise<void> {
    if (predicate(this.current)) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const onChange = () => {
        if (!predicate(this.current)) return
        cleanup()
        resolve()
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(
          new Error(
            `mock.waitFor(${description}) timed out after ${timeoutMs} ms; stats: ${JSON.stringify(this.current)}`,
          ),
        )
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        this.off('change', onChange)
      }
      this.on('change', onChange)
    })
  }
}
