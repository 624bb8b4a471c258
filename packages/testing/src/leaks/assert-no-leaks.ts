import type { MockConnectionInfo, MockProvider } from '../mock-provider/start-mock-provider.js'
import { listOpenFileDescriptors, type OpenFileDescriptor } from './count-open-file-descriptors.js'

export interface AssertNoLeaksOptions {
  /** File descriptors open before the test (`listOpenFileDescriptors()`), or their count. */
  baselineFds?: OpenFileDescriptor[] | number
  /** A mock provider that must have no open connections. */
  mock?: MockProvider
  /** How long closing sockets may take to go away, in ms. Default 2000. */
  timeoutMs?: number
}

/** What was still open; thrown by `assertNoLeaks` and `expectNoOpenConnections`. */
export class LeakError extends Error {
  readonly fileDescriptors: OpenFileDescriptor[]
  readonly connections: MockConnectionInfo[]

  constructor(fileDescriptors: OpenFileDescriptor[], connections: MockConnectionInfo[]) {
    const lines = [
      ...fileDescriptors.map((item) => `  fd ${item.fd} -> ${item.target ?? 'unknown'}`),
      ...connections.map(
        (item) =>
          `  connection from ${item.remoteAddress}:${item.remotePort} (read ${item.bytesRead} B, wrote ${item.bytesWritten} B)`,
      ),
    ]
    super(
      `Leak: ${fileDescriptors.length} file descriptor(s) and ${connections.length} connection(s) still open:\n${lines.join('\n')}`,
    )
    this.name = 'LeakError'
    this.fileDescriptors = fileDescriptors
    this.connections = connections
  }
}

function findLeaks(options: AssertNoLeaksOptions): {
  fds: OpenFileDescriptor[]
  connections: MockConnectionInfo[]
} {
  const connections = options.mock?.openConnections() ?? []
  const { baselineFds } = options
  if (baselineFds === undefined) return { fds: [], connections }
  const now = listOpenFileDescriptors()
  if (typeof baselineFds === 'number')
    return { fds: now.length > baselineFds ? now.slice(baselineFds - now.length) : [], connections }
  const before = new Set(baselineFds.map((item) => `${item.fd}:${item.target}`))
  return { fds: now.filter((item) => !before.has(`${item.fd}:${item.target}`)), connections }
}

// Closed sockets release their fds a few event-loop turns later; re-check on each turn until the deadline.
async function settle(
  options: AssertNoLeaksOptions,
): Promise<{ fds: OpenFileDescriptor[]; connections: MockConnectionInfo[] }> {
  const deadline = Date.now() + (options.timeoutMs ?? 2000)
  for (;;) {
    const leaks = findLeaks(options)
    if ((leaks.fds.length === 0 && leaks.connections.length === 0) || Date.now() >= deadline) return leaks
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/**
 * Fails with a `LeakError` listing every file descriptor opened since `baselineFds` (with its
 * readlink target) and every connection still open on `mock` (with its remote port).
 * @example
 * const baselineFds = listOpenFileDescriptors()
 * // … create clients, make requests, close them …
 * await assertNoLeaks({ baselineFds, mock })
 */
export async function assertNoLeaks(options: AssertNoLeaksOptions = {}): Promise<void> {
  const leaks = await settle(options)
  if (leaks.fds.length > 0 || leaks.connections.length > 0) throw new LeakError(leaks.fds, leaks.connections)
}

/**
 * Fails with a `LeakError` listing the mock's open connections unless all have closed.
 * @example
 * await client.close()
 * await expectNoOpenConnections(mock)
 */
export async function expectNoOpenConnections(
  mock: MockProvider,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  try {
    await mock.waitFor((stats) => stats.openConnections === 0, { timeoutMs: options.timeoutMs ?? 2000 })
  } catch {
    throw new LeakError([], mock.openConnections())
  }
}
