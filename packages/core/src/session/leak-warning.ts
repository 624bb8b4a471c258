/** What is kept about a watched session: plain strings, never the session itself. */
interface LeakRecord {
  id: string
  createdAt: string
  stack: string
}

const registry = new FinalizationRegistry<LeakRecord>(({ id, createdAt, stack }) => {
  process.emitWarning(
    `llm-session ${id} was garbage-collected while still open; close it with \`await session.close()\` (created ${createdAt})`,
    { code: 'LLM_SESSION_UNCLOSED', detail: stack },
  )
})

/**
 * Captures where a session is being created, skipping the frames of `above` and what it calls.
 * Read as a string at once, so no frame keeps objects alive.
 */
export function captureCreationSite(above: Function): { createdAt: string; stack: string } {
  const holder: { stack?: string } = {}
  Error.captureStackTrace(holder, above)
  const frames = (holder.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
  return { createdAt: frames[0] ?? 'at an unknown place', stack: frames.join('\n') }
}

/**
 * Warns (`LLM_SESSION_UNCLOSED`) if `target` is garbage-collected before `stopWatching(token)`:
 * the Node counterpart of aiohttp's "Unclosed client session".
 */
export function watchForLeak(target: object, record: LeakRecord, token: object): void {
  registry.register(target, record, token)
}

export function stopWatching(token: object): void {
  registry.unregister(token)
}
