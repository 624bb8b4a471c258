import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MockTokenStore } from '../providers/token-endpoint.js'
import type { MockFault } from './mock-fault.js'
import type { ResolvedMockProviderOptions } from './mock-provider-options.js'
import type { MockStatsRecorder } from './mock-stats.js'

/** One request and its response, with everything a route handler needs. */
export interface MockExchange {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  route: string
  /** Parsed request body (JSON object, or form fields for the token endpoint). */
  body: Record<string, unknown>
  /** The body as received, for checks over its bytes (SigV4 signs the body's hash). */
  rawBody: Buffer
  model: string
  stream: boolean
  fault: MockFault | undefined
  /** Aborted when the client goes away or the mock closes: every wait and write stops on it. */
  signal: AbortSignal
  options: ResolvedMockProviderOptions
  stats: MockStatsRecorder
  tokens: MockTokenStore
  /** A per-mock sequence number, for deterministic ids. */
  sequence: number
  /** Set when the mock cut the connection on purpose, so it is not counted as a client abort. */
  cutByMock: boolean
}

export class MockAbortError extends Error {
  constructor() {
    super('the client went away or the mock closed')
    this.name = 'AbortError'
  }
}
