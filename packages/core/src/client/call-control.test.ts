import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { TimeoutError } from '../errors/errors.js'
import { createCallControl } from './call-control.js'

const aborted = (control: ReturnType<typeof createCallControl>) =>
  new Promise<unknown>((resolve) =>
    control.requestSignal.once('abort', () => resolve(control.requestSignal.reason)),
  )

describe('call control deadlines', () => {
  it('calls with one timeout share a deadline list: each ends at its own deadline, in order, and a disposed one never', async () => {
    const order: string[] = []
    const first = createCallControl(20, [])
    const second = createCallControl(20, [])
    const third = createCallControl(20, [])
    const done = [first, third].map((control, i) =>
      aborted(control).then(() => order.push(i === 0 ? 'first' : 'third')),
    )
    second.dispose()
    await Promise.all(done)
    expect(order).toEqual(['first', 'third'])
    expect(first.requestSignal.reason).toBeInstanceOf(TimeoutError)
    expect((third.requestSignal.reason as TimeoutError).message).toContain('total timeout of 20 ms')
    // second's deadline lay between the other two: had it stayed in the list it would have ended too.
    expect(second.aborted).toBe(false)
    first.dispose()
    third.dispose()
  })

  it('a stopped timer leaves the deadline; a later call with the same timeout still gets its own', async () => {
    const stopped = createCallControl(15, [])
    stopped.stopTotalTimer()
    const later = createCallControl(15, [])
    expect(await aborted(later)).toBeInstanceOf(TimeoutError)
    expect(stopped.aborted).toBe(false)
    stopped.dispose()
    later.dispose()
  })

  it('controls of different timeouts end independently, the shorter first', async () => {
    const order: number[] = []
    const long = createCallControl(40, [])
    const short = createCallControl(10, [])
    await Promise.all([aborted(long).then(() => order.push(40)), aborted(short).then(() => order.push(10))])
    expect(order).toEqual([10, 40])
    long.dispose()
    short.dispose()
  })
})

describe('call control following a downstream response', () => {
  const response = (state: { writableFinished: boolean; destroyed?: boolean }) =>
    Object.assign(new EventEmitter(), state) as EventEmitter & {
      writableFinished: boolean
      destroyed?: boolean
    }

  it('aborts when the response closes before it finished, and not when it finished', () => {
    const cut = response({ writableFinished: false })
    const control = createCallControl(60_000, [cut])
    expect(cut.listenerCount('close')).toBe(1)
    cut.emit('close')
    expect(control.aborted).toBe(true)
    expect((control.requestSignal.reason as DOMException).name).toBe('AbortError')
    control.dispose()

    const finished = response({ writableFinished: true })
    const other = createCallControl(60_000, [finished])
    finished.emit('close')
    expect(other.aborted).toBe(false)
    other.dispose()
  })

  it('aborts at once for a response already gone, and leaves no listener after dispose', () => {
    const gone = createCallControl(60_000, [response({ writableFinished: false, destroyed: true })])
    expect(gone.aborted).toBe(true)
    gone.dispose()
    const open = response({ writableFinished: false })
    const control = createCallControl(60_000, [open])
    control.dispose()
    expect(open.listenerCount('close')).toBe(0)
  })
})
