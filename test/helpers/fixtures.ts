import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The recorded provider responses, kept in the repository (test/fixtures/providers). */
export const fixturesDir = fileURLToPath(new URL('../fixtures/providers/', import.meta.url))

/** The bytes of a recorded response, by its path under `test/fixtures/providers`. */
export function readFixture(path: string): Buffer {
  return readFileSync(join(fixturesDir, path))
}

/** A recorded JSON body, parsed. */
export function readFixtureJson(path: string): unknown {
  return JSON.parse(readFixture(path).toString('utf8'))
}

export interface JsonlToSseOptions {
  /** Names each event (`event: …`), e.g. Anthropic's JSON `type`; no event line when left out. */
  eventName?: (line: string) => string
  /** Ends the stream with OpenAI's `data: [DONE]`. */
  done?: boolean
}

/** Puts back the SSE framing a `.chunks.jsonl` recording lost: one `data:` event per line. */
export function jsonlToSse(bytes: Buffer, options: JsonlToSseOptions = {}): Buffer {
  const lines = bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
  const events = lines.map((line) =>
    options.eventName ? `event: ${options.eventName(line)}\ndata: ${line}\n\n` : `data: ${line}\n\n`,
  )
  return Buffer.from(`${events.join('')}${options.done ? 'data: [DONE]\n\n' : ''}`)
}
