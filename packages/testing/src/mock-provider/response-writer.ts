import type { OutgoingHttpHeaders } from 'node:http'
import { MockAbortError, type MockExchange } from './mock-exchange.js'

/** Waits `ms`, or less if the exchange ends first (then throws MockAbortError). */
export function wait(exchange: MockExchange, ms: number): Promise<void> {
  if (exchange.signal.aborted) return Promise.reject(new MockAbortError())
  if (ms <= 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(new MockAbortError())
    }
    const timer = setTimeout(() => {
      exchange.signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    exchange.signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** Writes a chunk and, when the socket buffer is full, waits for 'drain' (counted in stats). */
export async function write(exchange: MockExchange, chunk: string | Buffer): Promise<void> {
  if (exchange.signal.aborted) throw new MockAbortError()
  if (exchange.res.write(chunk)) return
  exchange.stats.increment('drainWaits')
  await new Promise<void>((resolve, reject) => {
    const onDrain = () => {
      exchange.signal.removeEventListener('abort', onAbort)
      resolve()
    }
    const onAbort = () => {
      exchange.res.off('drain', onDrain)
      reject(new MockAbortError())
    }
    exchange.res.once('drain', onDrain)
    exchange.signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** Keeps the request open without answering until the client leaves, the mock closes or maxStallMs. */
export async function stall(exchange: MockExchange): Promise<never> {
  await wait(exchange, exchange.options.maxStallMs)
  cut(exchange)
  throw new MockAbortError()
}

/** Drops the connection: with a TCP reset (RST), or closed abruptly mid-body ('close'). */
export function cut(exchange: MockExchange, how: 'reset' | 'close' = 'reset'): void {
  exchange.cutByMock = true
  const socket = exchange.req.socket
  // TLS sockets cannot send a bare RST from Node; they are destroyed instead.
  if (how === 'reset' && !exchange.options.tls) socket.resetAndDestroy()
  else if (how === 'close')
    socket.destroySoon() // after the bytes already written are flushed
  else socket.destroy()
}

export async function sendHead(
  exchange: MockExchange,
  status: number,
  headers: OutgoingHttpHeaders,
): Promise<void> {
  await wait(exchange, exchange.options.latencyMs)
  // AWS services send only their own request id header.
  const requestId =
    headers['x-amzn-requestid'] === undefined ? { 'x-request-id': `req_mock_${exchange.sequence}` } : {}
  exchange.res.writeHead(status, { ...requestId, ...headers })
  // Send the headers now: a stream's first bytes must not wait for its first chunk.
  exchange.res.flushHeaders()
}

export function end(exchange: MockExchange): Promise<void> {
  return new Promise((resolve) => exchange.res.end(resolve))
}
