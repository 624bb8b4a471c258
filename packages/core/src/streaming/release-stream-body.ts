import type { Readable } from 'node:stream'

/** What the rest of a body after its terminator may cost before the socket is given up. */
export interface ReleaseStreamBodyOptions {
  /** Bytes of the body read so far (undici's dump limit counts the whole body). */
  bytesRead: number
  /** Milliseconds to wait for the body to end. */
  graceMs: number
  /** Bytes of the rest read at most. Default 64 KiB. */
  maxBytes?: number
}

/**
 * Lets go of a stream body once its terminator (`[DONE]`, `message_stop`, `done: true`) was read.
 * The reader is done at once; the few bytes after it (the chunked-encoding end) are drained in the
 * background with undici's `dump()`, bounded in bytes and time, so the socket goes back to the pool.
 * A server that keeps the connection open past that gets it closed: the socket is discarded, never
 * left waiting.
 * @example
 * for await (const bytes of body.iterator({ destroyOnReturn: false })) if (done(bytes)) break
 * releaseStreamBody(body, { bytesRead, graceMs: 1000 })
 */
export function releaseStreamBody(body: Readable, options: ReleaseStreamBodyOptions): void {
  if (body.readableEnded || body.destroyed) return
  // The usual case: the end of the body is already buffered (it came with the terminator), so
  // reading on finishes it without a timer.
  if ((body as { _readableState?: { ended?: boolean } })._readableState?.ended === true) {
    body.on('error', () => {}).resume()
    return
  }
  const dump = (body as { dump?: (options: { limit: number; signal: AbortSignal }) => Promise<unknown> }).dump
  if (typeof dump !== 'function') {
    body.on('error', () => {}).destroy()
    return
  }
  dump
    .call(body, {
      limit: options.bytesRead + (options.maxBytes ?? 64 * 1024),
      signal: AbortSignal.timeout(Math.max(1, options.graceMs)),
    })
    .catch(() => {})
}
