import type { ServerResponse } from 'node:http'
import type { Handler } from './loopback-server.js'

/** A request handler that holds every response until `release()`, and says when N requests arrived. */
export function createHeldResponses(): {
  handler: Handler
  arrived(count: number): Promise<void>
  release(): void
} {
  const held: ServerResponse[] = []
  let released = false
  let waiters: Array<{ count: number; resolve: () => void }> = []
  return {
    handler(_request, response) {
      if (released) {
        response.end('done')
        return
      }
      held.push(response)
      waiters = waiters.filter((waiter) => {
        if (held.length < waiter.count) return true
        waiter.resolve()
        return false
      })
    },
    arrived(count) {
      if (held.length >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    release() {
      released = true
      for (const response of held.splice(0)) response.end('done')
    },
  }
}
