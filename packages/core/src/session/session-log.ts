import type { SessionLogger } from './session-options.js'

const levels = ['debug', 'info', 'warn', 'error'] as const
type Level = (typeof levels)[number]

/** Where a session's events go: `fields` are already free of credentials. */
export type SessionLog = (level: Level, message: string, fields: Record<string, unknown>) => void

/**
 * The session's log: the `logger` option when given, else stderr lines when `LLM_SESSION_LOG` is
 * `debug`, `info`, `warn` or `error`, else nothing. Read once per session, at creation.
 */
export function createSessionLog(logger: SessionLogger | undefined): SessionLog | undefined {
  if (logger !== undefined) return (level, message, fields) => logger[level](fields, message)
  const wanted = process.env.LLM_SESSION_LOG?.trim().toLowerCase()
  const threshold = levels.indexOf(wanted as Level)
  if (threshold === -1) return undefined
  return (level, message, fields) => {
    if (levels.indexOf(level) < threshold) return
    process.stderr.write(`llm-session ${level}: ${message} ${JSON.stringify(fields)}\n`)
  }
}
