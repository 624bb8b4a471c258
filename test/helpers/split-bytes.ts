import type { ServerResponse } from 'node:http'

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
