// One large SSE event through llm-session's own stream decoder (UTF-8 decoding + SSE framing),
// bundled from core's source: the decoder is internal, and a socket would merge 1-byte writes.
import { performance } from 'node:perf_hooks'
import { createStreamDecoder } from '../../packages/core/src/streaming/stream-decoder.js'
import { serveCalls } from './child-ipc.js'
import { median } from './load-loop.js'

export interface ParserRun {
  eventBytes: number
  pieceBytes: number
  medianMs: number
  nsPerByte: number
}

function sseEvent(totalBytes: number): Uint8Array {
  const head = 'data: {"choices":[{"index":0,"delta":{"content":"'
  const tail = '"}}]}\n\n'
  const content = 'a'.repeat(Math.max(0, totalBytes - head.length - tail.length))
  return new TextEncoder().encode(head + content + tail)
}

function feedOnce(bytes: Uint8Array, pieceBytes: number): number {
  const decoder = createStreamDecoder('sse')
  let events = 0
  let dataLength = 0
  const t0 = performance.now()
  for (let offset = 0; offset < bytes.length; offset += pieceBytes)
    for (const event of decoder.push(bytes.subarray(offset, offset + pieceBytes))) {
      events++
      dataLength = event.data.length
    }
  for (const event of decoder.end()) {
    events++
    dataLength = event.data.length
  }
  const elapsed = performance.now() - t0
  // The event must come out whole, once: a fast wrong parser measures nothing.
  if (events !== 1 || dataLength !== bytes.length - 'data: '.length - 2)
    throw new Error(`parser produced ${events} events, last ${dataLength} characters`)
  return elapsed
}

serveCalls({
  run: (payload: { eventBytes: number; pieceBytes: number; reps: number }): ParserRun => {
    const bytes = sseEvent(payload.eventBytes)
    feedOnce(bytes, payload.pieceBytes) // warm-up
    const times = Array.from({ length: payload.reps }, () => feedOnce(bytes, payload.pieceBytes))
    const medianMs = median(times)
    return {
      eventBytes: bytes.length,
      pieceBytes: payload.pieceBytes,
      medianMs,
      nsPerByte: (medianMs * 1e6) / bytes.length,
    }
  },
})
