import { once } from 'node:events'
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void

export interface LoopbackServer {
  origin: string
  port: number
  server: Server
  /** Connections accepted so far ('connection' events; 'secureConnection' for HTTPS). */
  readonly connections: number
  /** Connections open now. */
  readonly openConnections: number
  /** Resolves when every accepted connection has closed. */
  allClosed(): Promise<void>
  close(): Promise<void>
}

export interface LoopbackServerOptions {
  tls?: { cert: string; key: string }
  handler?: RequestListener
}

const answerOk: RequestListener = (_request, response) => {
  response.setHeader('content-type', 'application/json')
  response.end('{"ok":true}')
}

/** An HTTP or HTTPS server on 127.0.0.1, port 0, that counts the connections it accepts. */
export async function startLoopbackServer(options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  const handler = options.handler ?? answerOk
  const server: Server =
    options.tls === undefined ? createHttpServer(handler) : createHttpsServer({ ...options.tls }, handler)
  // Node keeps idle server sockets 5 s; the client decides when to close in these tests.
  server.keepAliveTimeout = 60_000
  const open = new Set<Socket>()
  let accepted = 0
  let waiters: Array<() => void> = []
  server.on('connection', (socket: Socket) => {
    accepted++
    open.add(socket)
    socket.once('close', () => {
      open.delete(socket)
      if (open.size === 0) {
        for (const resolve of waiters) resolve()
        waiters = []
      }
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const allClosed = (): Promise<void> => {
    if (open.size === 0) return Promise.resolve()
    return new Promise((resolve) => waiters.push(resolve))
  }
  return {
    origin: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    server,
    get connections() {
      return accepted
    },
    get openConnections() {
      return open.size
    },
    allClosed,
    async close() {
      server.closeAllConnections()
      server.close()
      await allClosed()
    },
  }
}
