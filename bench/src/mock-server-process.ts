// The mock provider in its own process, so its CPU never competes with a contender's in one thread.
import { writeFileSync } from 'node:fs'
import { startMockProvider } from '@llm-session/testing'
import { serveCalls } from './child-ipc.js'

export interface MockSnapshot {
  connections: number
  tlsHandshakes: number
  requests: number
  responses: number
  openConnections: number
}

const mock = await startMockProvider({ tls: true, latencyMs: 0, reply: 'Hello there' })
let peak = 0
let sampler: NodeJS.Timeout | undefined

const snapshot = (): MockSnapshot => {
  const s = mock.stats()
  return {
    connections: s.connections,
    tlsHandshakes: s.tlsHandshakes,
    requests: s.requests,
    responses: s.responses,
    openConnections: s.openConnections,
  }
}

serveCalls(
  {
    info: (payload: { caFile: string }) => {
      // The CA lives in a temp file only for NODE_EXTRA_CA_CERTS (global fetch cannot take a CA).
      writeFileSync(payload.caFile, mock.ca!)
      return { url: mock.url, ca: mock.ca }
    },
    configure: (payload: { tokens?: number; reply?: string }) => {
      mock.configure(payload)
      return snapshot()
    },
    snapshot,
    /** Samples open connections every 2 ms until `stopPeak`: the peak a contender held at once. */
    startPeak: () => {
      peak = mock.stats().openConnections
      clearInterval(sampler)
      sampler = setInterval(() => {
        peak = Math.max(peak, mock.stats().openConnections)
      }, 2)
      return snapshot()
    },
    stopPeak: () => {
      clearInterval(sampler)
      sampler = undefined
      return { ...snapshot(), peak: Math.max(peak, mock.stats().openConnections) }
    },
    /** Resolves once the previous contender's sockets are gone (or after `timeoutMs`). */
    waitIdle: async (payload: { timeoutMs: number }) => {
      const until = Date.now() + payload.timeoutMs
      while (mock.stats().openConnections > 0 && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 5))
      return snapshot()
    },
  },
  () => mock.close(),
)
