import { readdirSync, readlinkSync } from 'node:fs'

/** One open file descriptor of this process. */
export interface OpenFileDescriptor {
  fd: number
  /** What it points to, e.g. `socket:[12345]`, `pipe:[…]`, a file path; undefined when unknown. */
  target: string | undefined
}

const fdDirectories = ['/proc/self/fd', '/dev/fd']

function readFdDirectory(): { directory: string; fds: number[] } | undefined {
  for (const directory of fdDirectories) {
    try {
      return { directory, fds: readdirSync(directory).map(Number).filter(Number.isInteger) }
    } catch {}
  }
  return undefined
}

/**
 * Lists the process's open file descriptors (from /proc/self/fd, else /dev/fd). Where neither
 * exists, falls back to Node's active handles (`process.getActiveResourcesInfo()`), with fd -1.
 * @example
 * const before = listOpenFileDescriptors()
 */
export function listOpenFileDescriptors(): OpenFileDescriptor[] {
  const found = readFdDirectory()
  if (!found) {
    return process
      .getActiveResourcesInfo()
      .filter((name) => name !== 'Timeout' && name !== 'Immediate')
      .map((name) => ({ fd: -1, target: name }))
  }
  const list: OpenFileDescriptor[] = []
  for (const fd of found.fds) {
    let target: string | undefined
    try {
      target = readlinkSync(`${found.directory}/${fd}`)
    } catch {
      // The fd that read the directory is already closed again.
      continue
    }
    list.push({ fd, target })
  }
  return list
}

/**
 * Counts the process's open file descriptors (see `listOpenFileDescriptors` for the sources).
 * @example
 * const baseline = countOpenFileDescriptors()
 * // … run, close everything …
 * expect(countOpenFileDescriptors()).toBe(baseline)
 */
export function countOpenFileDescriptors(): number {
  return listOpenFileDescriptors().length
}
