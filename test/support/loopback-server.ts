import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The shared fixtures folder: walks up from the repo until `shared/fixtures/providers` exists. */
export function findFixturesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'shared', 'fixtures', 'providers')
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new Error('shared/fixtures/providers not found above the repository')
    dir = parent
  }
}

export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

export interface LoopbackServer {
  url: string
  /** 'connection' events seen. */
  connections: number
  requests: RecordedRequest[]
  openSockets(): number
  /** Resolves once every socket the server saw is closed. */
  allSocketsClosed(): Promise<void>
  close(): Promise<void>
}

export type Handler = (request: RecordedRequest, response: ServerResponse, raw: IncomingMessage) => unknown

/** A real HTTP server on 127.0.0.1, port 0, that counts connections and records requests. */
export async function startLoopbackServer(handler: Handler): Promise<LoopbackServer> {
  const sockets = new Set<Socket>()
  let waiters: Array<() => void> = []
  const state = { connections: 0, requests: [] as RecordedRequest[] }
  const server = createServer(async (raw, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of raw) chunks.push(chunk as Buffer)
    const request = {
      method: raw.method ?? '',
      url: raw.url ?? '',
      headers: raw.headers,
      body: Buffer.concat(chunks).toString(),
    }
    state.requests.push(request)
    try {
      await handler(request, response, raw)
    } catch {
      response.destroy()
    }
  })
  server.on('connection', (socket) => {
    state.connections++
    sockets.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
      if (sockets.size === 0) for (const wake of waiters.splice(0)) wake()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return state.connections
    },
    requests: state.requests,
    openSockets: () => sockets.size,
    allSocketsClosed: () =>
      sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)),
    close: async () => {
      for (const socket of sockets) socket.destroy()
      waiters = []
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** mulberry32: a small seeded PRNG so every split is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Cuts bytes at random offsets (seeded), plus inside the first multi-byte UTF-8 character and
 * between the first `\r` and `\n`, when the body has them.
 */
export function splitBytes(bytes: Buffer, seed: number): Buffer[] {
  const random = seededRandom(seed)
  const cuts = new Set<number>()
  const count = Math.max(1, Math.floor(bytes.length / 40))
  for (let i = 0; i < count; i++) cuts.add(1 + Math.floor(random() * (bytes.length - 1)))
  const continuation = bytes.findIndex((byte) => (byte & 0xc0) === 0x80)
  if (continuation > 0) cuts.add(continuation)
  const crlf = bytes.indexOf('\r\n')
  if (crlf >= 0) cuts.add(crlf + 1)
  const sorted = [...cuts].filter((cut) => cut > 0 && cut < bytes.length).sort((a, b) => a - b)
  const pieces: Buffer[] = []
  let start = 0
  for (const cut of sorted) {
    pieces.push(bytes.subarray(start, cut))
    start = cut
  }
  pieces.push(bytes.subarray(start))
  return pieces
}

/** Writes the pieces one by one, yielding to the event loop between them so they leave as separate writes. */
export async function writePieces(response: ServerResponse, pieces: Buffer[]): Promise<void> {
  for (const piece of pieces) {
    response.write(piece)
    await new Promise((resolve) => setImmediate(resolve))
  }
  response.end()
}
