// A loopback TLS server for the heap scenario: answers OpenAI-shaped chat completions at once, or,
// while holding, keeps every request waiting for its answer until `release()`.
import type { ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createTestCertificates } from '@llm-session/testing'

export interface HoldServer {
  url: string
  ca: string
  /** Requests waiting for their answer now. */
  readonly held: number
  /** From now on requests wait for `release()`. */
  hold(): void
  /** Answers every waiting request and answers the following ones at once. */
  release(): void
  /** Resolves with the number held once it reaches `count`, or with what is held after `timeoutMs`. */
  waitHeld(count: number, timeoutMs: number): Promise<number>
  close(): Promise<void>
}

// The same answer the mock provider gives for 2 tokens, so every client parses a realistic body.
const body = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-hold',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    system_fingerprint: 'fp_mock',
    service_tier: 'default',
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello there', refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
  }),
)
const headers = {
  'content-type': 'application/json',
  'content-length': String(body.length),
  'x-request-id': 'req_hold',
}

export async function startHoldServer(): Promise<HoldServer> {
  const certificates = createTestCertificates()
  let holding = false
  const waiting: ServerResponse[] = []
  let watcher: { count: number; resolve(count: number): void } | undefined
  const answer = (res: ServerResponse) => res.writeHead(200, headers).end(body)
  const release = () => {
    holding = false
    for (const res of waiting.splice(0)) answer(res)
  }
  const server = createServer({ cert: certificates.cert, key: certificates.key }, (req, res) => {
    req.resume()
    req.once('end', () => {
      if (!holding) return answer(res)
      waiting.push(res)
      if (watcher !== undefined && waiting.length >= watcher.count) watcher.resolve(waiting.length)
    })
  })
  // Sockets stay open between the baseline and the loaded measurement (the hint says 60 s).
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}`,
    ca: certificates.ca,
    get held() {
      return waiting.length
    },
    hold() {
      holding = true
    },
    release,
    waitHeld(count, timeoutMs) {
      if (waiting.length >= count) return Promise.resolve(waiting.length)
      return new Promise((resolve) => {
        const timer = setTimeout(() => done(waiting.length), timeoutMs)
        const done = (held: number) => {
          clearTimeout(timer)
          watcher = undefined
          resolve(held)
        }
        watcher = { count, resolve: done }
      })
    },
    async close() {
      release()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
