import { readdirSync } from 'node:fs'

/** Open file descriptors of this process (Linux). Unlike getActiveResourcesInfo() it sees unref'd sockets. */
export function countOpenFds(): number {
  return readdirSync('/proc/self/fd').length
}
