import { once } from 'node:events'
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startMockProvider } from '../mock-provider/start-mock-provider.js'
import { assertNoLeaks, expectNoOpenConnections, LeakError } from './assert-no-leaks.js'
import { countOpenFileDescriptors, listOpenFileDescriptors } from './count-open-file-descriptors.js'

describe('leak assertions', () => {
  it('lists an extra socket by fd target and by remote port, and passes once it is closed', async () => {
    const mock = await startMockProvider()
    const baselineFds = listOpenFileDescriptors()
    const baselineCount = countOpenFileDescriptors()
    const socket = connect(Number(new URL(mock.url).port), '127.0.0.1')
    await once(socket, 'connect')
    await mock.waitFor('connections', 1)
    expect(countOpenFileDescriptors()).toBeGreaterThan(baselineCount)

    const error = await assertNoLeaks({ baselineFds, mock, timeoutMs: 50 }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(LeakError)
    const leak = error as LeakError
    expect(leak.connections).toEqual([expect.objectContaining({ remotePort: socket.localPort })])
    expect(leak.message).toContain(`connection from 127.0.0.1:${socket.localPort}`)
    if (process.platform === 'linux') {
      expect(leak.fileDescriptors.some((fd) => fd.target?.startsWith('socket:'))).toBe(true)
      expect(leak.message).toMatch(/fd \d+ -> socket:\[\d+\]/)
    }
    await expect(expectNoOpenConnections(mock, { timeoutMs: 20 })).rejects.toThrow(
      /1 connection\(s\) still open/,
    )

    socket.destroy()
    await expectNoOpenConnections(mock)
    await assertNoLeaks({ baselineFds, mock })
    await mock.close()
  })
})
