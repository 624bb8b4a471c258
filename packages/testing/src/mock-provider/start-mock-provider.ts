import { once } from 'node:events'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { createTestCertificates } from '../certificates/create-test-certificates.js'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import { type MockServiceAccount, MockTokenStore } from '../providers/token-endpoint.js'
import { handleRequest, type MockRecordedRequest, type MockServerState } from './handle-request.js'
import { type MockProviderOptions, resolveMockProviderOptions } from './mock-provider-options.js'
import { type MockCounterName, type MockProviderStats, MockStatsRecorder } from './mock-stats.js'

/** An open connection to the mock, as `openConnections()` and leak messages list it. */
export interface MockConnectionInfo {
  remoteAddress: string | undefined
  remotePort: number | undefined
  bytesRead: number
  bytesWritten: number
}

export interface MockWaitOptions {
  /** Rejects after this many ms. Default 10 000. */
  timeoutMs?: number
}

export type MockRuntimeOptions = Omit<MockProviderOptions, 'tls' | 'host' | 'port'>

/** A running mock provider. Whoever starts it closes it. */
export interface MockProvider {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string
  /** The CA certificate (PEM) to trust when `tls` is on, else undefined. */
  readonly ca: string | undefined
  readonly closed: boolean
  stats(): MockProviderStats
  /** Requests received, oldest first (at most `historySize`), optionally for one route. */
  requests(route?: string): MockRecordedRequest[]
  lastRequest(route?: string): MockRecordedRequest | undefined
  openConnections(): MockConnectionInfo[]
  /** Resolves once a counter reaches `atLeast` (default 1), or once `predicate(stats)` holds. */
  waitFor(counter: MockCounterName, atLeast?: number, options?: MockWaitOptions): Promise<void>
  waitFor(predicate: (stats: MockProviderStats) => boolean, options?: MockWaitOptions): Promise<void>
  /** Changes answer options (reply, tokens, delays, …) for the following requests. */
  configure(options: MockRuntimeOptions): void
  /** Lets the token endpoint accept JWTs signed by this account's private key. */
  registerServiceAccount(account: MockServiceAccount): void
  /** An access token Vertex routes accept, without going through the token endpoint. */
  issueAccessToken(expiresInSeconds?: number): string
  /** Makes every issued access token invalid, so clients must fetch a new one. */
  expireAccessTokens(): void
  /** Zeroes the counters (open connections stay), forgets requests and `times` fault counts. */
  reset(): void
  /** Stops the server, ends stalls and destroys open connections. Idempotent. */
  close(): Promise<void>
}

/**
 * Starts a mock LLM provider on 127.0.0.1 that speaks the OpenAI, Azure, Anthropic, Gemini,
 * Vertex, Ollama and Bedrock (SigV4-verified) wire formats, and fails on demand (see the README's Faults table).
 * @example
 * const mock = await startMockProvider({ tls: true, chunkDelayMs: 5 })
 * const agent = new Agent({ connect: { ca: mock.ca } })
 * // point a client at `${mock.url}/v1` …
 * expect(mock.stats().connections).toBe(1)
 * await mock.close()
 */
export async function startMockProvider(options: MockProviderOptions = {}): Promise<MockProvider> {
  let resolved = resolveMockProviderOptions(options)
  const stats = new MockStatsRecorder()
  const state: MockServerState = {
    options: resolved,
    stats,
    tokens: new MockTokenStore(),
    history: [],
    failCounts: new Map(),
    exchanges: new Set(),
    closing: false,
    sequence: 0,
  }
  const certificates = resolved.tls
    ? createTestCertificates({ hosts: [resolved.host, 'localhost'] })
    : undefined
  const onRequest = (req: Parameters<typeof handleRequest>[1], res: Parameters<typeof handleRequest>[2]) => {
    void handleRequest(state, req, res)
  }
  const server: Server = certificates
    ? createHttpsServer({ cert: certificates.cert, key: certificates.key }, onRequest)
    : createHttpServer(onRequest)
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    stats.current.openConnections++
    stats.current.peakOpenConnections = Math.max(
      stats.current.peakOpenConnections,
      stats.current.openConnections,
    )
    stats.increment('connections')
    socket.once('close', () => {
      sockets.delete(socket)
      stats.current.openConnections--
      stats.emit('change')
    })
  })
  server.on('secureConnection', () => stats.increment('tlsHandshakes'))
  // A client that hangs up mid-handshake is not the mock's error.
  server.on('tlsClientError', () => {})
  server.listen(resolved.port, resolved.host)
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error)),
  ])
  const address = server.address() as AddressInfo
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `${certificates ? 'https' : 'http'}://${hostInUrl}:${address.port}`
  let closing: Promise<void> | undefined

  const filter = (route?: string) =>
    state.history.filter((request) => route === undefined || request.route === route)
  const mock: MockProvider = {
    url,
    ca: certificates?.ca,
    get closed() {
      return closing !== undefined
    },
    stats: () => stats.snapshot(),
    requests: (route) => filter(route).map((request) => ({ ...request })),
    lastRequest: (route) => filter(route).at(-1),
    openConnections: () =>
      [...sockets].map((socket) => ({
        remoteAddress: socket.remoteAddress,
        remotePort: socket.remotePort,
        bytesRead: socket.bytesRead,
        bytesWritten: socket.bytesWritten,
      })),
    waitFor(
      target: MockCounterName | ((stats: MockProviderStats) => boolean),
      atLeastOrOptions?: number | MockWaitOptions,
      maybeOptions?: MockWaitOptions,
    ): Promise<void> {
      const waitOptions = (typeof atLeastOrOptions === 'object' ? atLeastOrOptions : maybeOptions) ?? {}
      const timeoutMs = waitOptions.timeoutMs ?? 10_000
      if (typeof target === 'function') return stats.waitFor(target, 'predicate', timeoutMs)
      if (!(target in stats.current) || typeof stats.current[target] !== 'number') {
        throw new InvalidArgumentError(`unknown counter "${String(target)}"`, { field: 'counter' })
      }
      const atLeast = typeof atLeastOrOptions === 'number' ? atLeastOrOptions : 1
      return stats.waitFor((current) => current[target] >= atLeast, `'${target}', ${atLeast}`, timeoutMs)
    },
    configure(runtime) {
      resolved = resolveMockProviderOptions({
        ...resolved,
        ...runtime,
        tls: resolved.tls,
        host: resolved.host,
        port: resolved.port,
      })
      state.options = resolved
    },
    registerServiceAccount: (account) => state.tokens.register(account),
    issueAccessToken: (expiresInSeconds = resolved.tokenExpiresInSeconds) =>
      state.tokens.issue(expiresInSeconds),
    expireAccessTokens: () => state.tokens.clearTokens(),
    reset() {
      stats.reset()
      state.history.length = 0
      state.failCounts.clear()
    },
    close() {
      closing ??= (async () => {
        state.closing = true
        for (const controller of state.exchanges) controller.abort()
        const closed = [once(server, 'close'), ...[...sockets].map((socket) => once(socket, 'close'))]
        server.close()
        for (const socket of sockets) socket.destroy()
        // The server's 'close' can come before its sockets' 'close'; wait for all, so the counts are final.
        await Promise.all(closed)
      })()
      return closing
    },
  }
  return mock
}
