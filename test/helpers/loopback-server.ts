import { once } from 'node:events'
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

/** Called once the request body has been read; a throw (or rejection) destroys the response. */
export type Handler = (request: RecordedRequest, response: ServerResponse, raw: IncomingMessage) => unknown

export interface LoopbackServer {
  /** `http://127.0.0.1:port` (`https://` with `tls`). */
  url: string
  port: number
  server: Server
  /** Connections accepted so far ('connection' events). */
  readonly connections: number
  /** Connections open now. */
  readonly openConnections: number
  /** Every request received, in order. */
  requests: RecordedRequest[]
  /** Resolves when every accepted connection has closed. */
  allClosed(): Promise<void>
  close(): Promise<void>
}

export interface LoopbackServerOptions {
  tls?: { cert: string; key: string }
  /** Answers `{"ok":true}` when left out. */
  handler?: Handler
}

const answerOk: Handler = (_request, response) => {
  response.setHeader('content-type', 'application/json')
  response.end('{"ok":true}')
}

/** A real HTTP or HTTPS server on 127.0.0.1, port 0, that counts connections and records requests. */
export async function startLoopbackServer(options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  const handler = options.handler ?? answerOk
  const requests: RecordedRequest[] = []
  const listener = async (raw: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of raw) chunks.push(chunk as Buffer)
    const request = {
      method: raw.method ?? '',
      url: raw.url ?? '',
      headers: raw.headers,
      body: Buffer.concat(chunks).toString(),
    }
    requests.push(request)
    try {
      await handler(request, response, raw)
    } catch {
      response.destroy()
    }
  }
  const server: Server =
    options.tls === undefined ? createHttpServer(listener) : createHttpsServer({ ...options.tls }, listener)
  // Node keeps idle server sockets 5 s; the client decides when to close in these tests.
  server.keepAliveTimeout = 60_000
  const open = new Set<Socket>()
  let accepted = 0
  const waiters: Array<() => void> = []
  server.on('connection', (socket: Socket) => {
    accepted++
    open.add(socket)
    socket.once('close', () => {
      open.delete(socket)
      if (open.size === 0) for (const wake of waiters.splice(0)) wake()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const allClosed = (): Promise<void> =>
    open.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    server,
    get connections() {
      return accepted
    },
    get openConnections() {
      return open.size
    },
    requests,
    allClosed,
    async close() {
      for (const socket of open) socket.destroy()
      // The callback gets an error when already closed; closing twice is fine here.
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await allClosed()
    },
  }
}
