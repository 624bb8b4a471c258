// One contender in its own process (run with --expose-gc) for the heap scenario: warms its pool
// up, then reports heap after GC with no call in flight and with a batch of calls held by the server.
import { serveCalls } from './child-ipc.js'
import { type Contender, type ContenderId, type ContenderTarget, createContender } from './contenders.js'
import { runClosedLoop } from './load-loop.js'

const id = process.argv[2] as ContenderId
let contender: Contender | undefined
let inFlight: Promise<{ errors: number; firstError: string | undefined }> | undefined

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('heap-process needs --expose-gc')

/** Heap after full GCs, once the event loop has run what was queued (IPC, timers, undici's queue). */
async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve))
  for (let i = 0; i < 4; i++) gc!()
  return process.memoryUsage().heapUsed
}

const active = () => {
  if (contender === undefined) throw new Error('open first')
  return contender
}

serveCalls(
  {
    open: (target: ContenderTarget) => {
      contender = createContender(id, target)
    },
    /** Answered at once by the server: opens the pool and runs every code path the measure uses. */
    warm: async (payload: { concurrency: number; durationMs: number }) => {
      const calls = active()
      return runClosedLoop(() => calls.complete(), payload)
    },
    heap: heapAfterGc,
    /** Starts `count` JSON completions and returns; `settle` waits for them. */
    start: (payload: { count: number }) => {
      const calls = active()
      const all = Array.from({ length: payload.count }, () => calls.complete())
      inFlight = Promise.allSettled(all).then((results) => {
        const failed = results.filter((r) => r.status === 'rejected')
        const reason = failed[0]?.reason
        return {
          errors: failed.length,
          firstError:
            reason instanceof Error ? `${reason.name}: ${reason.message}` : reason && String(reason),
        }
      })
    },
    settle: async () => {
      const result = await inFlight
      inFlight = undefined
      return result
    },
    close: async () => {
      await contender?.close()
      contender = undefined
    },
  },
  async () => {
    await contender?.close()
  },
)
