// One contender in its own process: its own global dispatcher, CPU time and peak RSS.
import { serveCalls } from './child-ipc.js'
import { type Contender, type ContenderId, type ContenderTarget, createContender } from './contenders.js'
import { runClosedLoop } from './load-loop.js'

const id = process.argv[2] as ContenderId
let target: ContenderTarget | undefined
let contender: Contender | undefined

export interface RunPayload {
  stream: boolean
  concurrency: number
  durationMs: number
  maxRequests?: number
}

const run = (payload: RunPayload) => {
  if (contender === undefined) throw new Error('open first')
  const active = contender
  const call = payload.stream ? () => active.stream() : () => active.complete()
  return runClosedLoop(call, payload)
}

serveCalls(
  {
    setup: (payload: ContenderTarget) => {
      target = payload
    },
    open: () => {
      contender = createContender(id, target!)
    },
    run,
    /** `process.hrtime` in microseconds, the clock of a `--cpu-prof` profile. */
    clock: () => Number(process.hrtime.bigint() / 1000n),
    close: async () => {
      await contender?.close()
      contender = undefined
    },
  },
  async () => {
    await contender?.close()
  },
)
