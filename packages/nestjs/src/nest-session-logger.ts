import type { SessionLogger } from '@llm-session/core'
import type { Logger } from '@nestjs/common'

/** Adapts Nest's `Logger` (message first) to the pino-style `SessionLogger` (object first). */
export function createNestSessionLogger(logger: Logger): SessionLogger {
  const write = (level: 'debug' | 'log' | 'warn' | 'error') => (object: unknown, message?: string) => {
    if (message === undefined) logger[level](typeof object === 'string' ? object : describe(object))
    else logger[level](`${message} ${describe(object)}`)
  }
  return { debug: write('debug'), info: write('log'), warn: write('warn'), error: write('error') }
}

function describe(object: unknown): string {
  if (object instanceof Error) return `${object.name}: ${object.message}`
  try {
    return JSON.stringify(object)
  } catch {
    return String(object)
  }
}
