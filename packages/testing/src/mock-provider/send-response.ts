import type { OutgoingHttpHeaders } from 'node:http'
import type { MockExchange } from './mock-exchange.js'
import { cut, end, sendHead, stall, wait, write } from './response-writer.js'

/** A streamed answer in one wire format, already framed (`data: …\n\n`, NDJSON lines, …). */
export interface StreamPlan {
  headers: OutgoingHttpHeaders
  /** Text frames, or binary ones (AWS event-stream messages). */
  frames: Array<string | Buffer>
  /** What ends the stream in this format (`data: [DONE]`, `message_stop`, a `done:true` line). */
  terminator: Array<string | Buffer>
  /** The format's error-inside-a-200-stream frame (`stream-error` fault). */
  errorFrame: string | Buffer
  /** A frame whose JSON is cut short, or a binary frame that fails its checksum (`malformed-json` fault). */
  malformedFrame: string | Buffer
}

/** Sends a stream, applying the stream faults at its midpoint. */
export async function sendStream(exchange: MockExchange, plan: StreamPlan): Promise<void> {
  const { fault, options } = exchange
  const frames = [...plan.frames, ...plan.terminator]
  // At least one frame goes out before a mid-stream fault, and at least one is left to cut.
  const midpoint = Math.max(1, Math.min(Math.floor(plan.frames.length / 2), plan.frames.length - 1))
  await sendHead(exchange, 200, plan.headers)
  await wait(exchange, options.timeToFirstTokenMs)
  // One step past the last frame, so a one-frame stream without a terminator still gets its fault.
  for (let index = 0; index <= frames.length; index++) {
    if (index > 0 && index < frames.length) await wait(exchange, options.chunkDelayMs)
    if (index === midpoint) {
      // FIN, not RST: an RST would make the client's kernel drop the bytes it has not read yet.
      if (fault?.name === 'reset-mid-stream') return cut(exchange, 'close')
      if (fault?.name === 'stall-mid-stream') return stall(exchange)
      if (fault?.name === 'stream-error') {
        await write(exchange, plan.errorFrame)
        return end(exchange)
      }
      if (fault?.name === 'malformed-json') {
        await write(exchange, plan.malformedFrame)
        return end(exchange)
      }
    }
    if (fault?.name === 'truncated-stream' && index === plan.frames.length) return end(exchange)
    if (index === frames.length) break
    await write(exchange, frames[index] as string | Buffer)
  }
  return end(exchange)
}

/** Sends a JSON answer; the body faults cut, stall or break it halfway. */
export async function sendJson(
  exchange: MockExchange,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): Promise<void> {
  const text = Buffer.from(JSON.stringify(body))
  const half = text.subarray(0, Math.floor(text.length / 2))
  const name = exchange.fault?.name
  const broken = name === 'malformed-json' || name === 'truncated-stream'
  await sendHead(exchange, status, {
    'content-type': 'application/json',
    'content-length': broken ? half.length : text.length,
    ...headers,
  })
  if (name === 'reset-mid-stream' || name === 'stall-mid-stream') {
    await write(exchange, half)
    return name === 'reset-mid-stream' ? cut(exchange, 'close') : stall(exchange)
  }
  if (broken) {
    await write(exchange, half)
    return end(exchange)
  }
  // Large bodies go out in slices so a slow reader is met with backpressure, not one huge buffer.
  for (let offset = 0; offset < text.length; offset += 64 * 1024) {
    await write(exchange, text.subarray(offset, offset + 64 * 1024))
  }
  return end(exchange)
}

export function sseFrame(data: unknown, event?: string, separator = '\n\n'): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data)
  const newline = separator === '\r\n\r\n' ? '\r\n' : '\n'
  return `${event === undefined ? '' : `event: ${event}${newline}`}data: ${payload}${separator}`
}

export const sseHeaders: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
}
