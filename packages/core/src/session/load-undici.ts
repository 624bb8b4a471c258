import { createRequire } from 'node:module'
import type * as Undici from 'undici'

export type UndiciModule = typeof Undici

let undici: UndiciModule | undefined

/**
 * Loads npm undici on first use instead of at import time.
 *
 * Why: evaluating npm undici installs its own Agent as the process global dispatcher when none is
 * set yet, and on Node 20 none is set until the first `fetch()`. Importing this package must not
 * change what every other `fetch()` in the application uses. So undici is loaded only when a
 * session is created, and before that Node's own undici is asked to initialise its global
 * dispatcher (reading `globalThis.Headers` does it, exactly as the application's first `fetch()`
 * would), so npm undici finds one already there and leaves it alone.
 */
export function loadUndici(): UndiciModule {
  if (undici !== undefined) return undici
  Reflect.get(globalThis, 'Headers')
  const require = createRequire(typeof __filename === 'string' ? __filename : import.meta.url)
  undici = require('undici') as UndiciModule
  return undici
}
