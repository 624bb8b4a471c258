import type { ServerResponse } from 'node:http'
import {
  type LoopbackServer,
  type RecordedRequest,
  startLoopbackServer,
} from '../../helpers/loopback-server.js'

/** Distinctive planted secrets: any appearance anywhere is a leak. */
export const planted = {
  openaiKey: 'sk-planted-attacker-suite-1f2e3d4c5b6a7988',
  anthropicKey: 'sk-ant-planted-attacker-suite-99aa88bb77cc',
  geminiKey: 'AIza-planted-attacker-suite-0d1e2f3a4b5c',
  gatewayToken: 'gw-planted-attacker-suite-6e5d4c3b2a19',
  callerKey: 'sk-caller-own-key-attacker-suite-5a4b3c2d',
} as const

/** Every credential-looking header value a request carried (Authorization, x-api-key, api-key...). */
export function credentialsIn(request: RecordedRequest): string[] {
  const found: string[] = []
  for (const [name, value] of Object.entries(request.headers))
    if (/auth|key|token/i.test(name)) found.push(...(Array.isArray(value) ? value : [String(value)]))
  return found
}

export type Answer = (request: RecordedRequest, response: ServerResponse) => void

const okCompletion = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
})

/** The configured provider: answers OpenAI-shaped unless `answer` is set for the current test. */
export interface ProviderHost extends LoopbackServer {
  answer: Answer | undefined
}

export async function startProviderHost(): Promise<ProviderHost> {
  const host: ProviderHost = Object.assign(
    await startLoopbackServer({
      handler: (request, response) => {
        if (host.answer !== undefined) return host.answer(request, response)
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(okCompletion)
      },
    }),
    { answer: undefined },
  )
  return host
}

/** A host that must never be reached with a developer's key: it records all it gets and answers 200. */
export function startAttackerHost(): Promise<LoopbackServer> {
  return startLoopbackServer({
    handler: (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(okCompletion)
    },
  })
}

/** The spellings one loopback host has: WHATWG URL parsing makes them one origin. */
export function spellingsOf(port: number): string[] {
  return [
    `http://127.0.0.1:${port}/v1`,
    `http://2130706433:${port}/v1`,
    `http://0x7f.1:${port}/v1`,
    `http://0177.0.0.1:${port}/v1`,
    `http://127.1:${port}/v1`,
    `http://[::ffff:127.0.0.1]:${port}/v1`,
    `http://localhost:${port}/v1`,
    `http://LOCALHOST.:${port}/v1`,
  ]
}

/** Figures of the attacker suite, added up by each test and written once at the end. */
export const attackerFigures = {
  hostileInputsTried: 0,
  hostileInputsHandled: 0,
  ssrfAttempts: 0,
  ssrfRefused: 0,
  secretsPlanted: Object.keys(planted).length,
  surfacesScanned: 0,
  secretsFound: 0,
}
