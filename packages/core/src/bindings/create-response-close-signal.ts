import type { ServerResponse } from 'node:http'

/**
 * An `AbortSignal` that aborts when `response` closes before it finished, i.e. when the downstream
 * caller disconnected: the provider call is cut, and nobody pays for tokens nobody reads. Listen on
 * the response, not the request: a request emits `'close'` as soon as its body has been read.
 * @example
 * const llm = runtime.requestClient({ signal: createResponseCloseSignal(res) })
 */
export function createResponseCloseSignal(response: ServerResponse): AbortSignal {
  const controller = new AbortController()
  response.once('close', () => {
    if (!response.writableFinished) controller.abort()
  })
  return controller.signal
}
