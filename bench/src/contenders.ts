import { createOpenAI } from '@ai-sdk/openai'
import { createClient, createSession } from '@llm-session/core'
import { generateText, streamText } from 'ai'
import OpenAI, { type ClientOptions } from 'openai'
import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici'

export const contenderIds = [
  'undici',
  'undici-dispatch',
  'llm-session',
  'agent-per-call',
  'fetch',
  'openai',
  'ai-sdk',
] as const
export type ContenderId = (typeof contenderIds)[number]

export const contenderLabels: Record<ContenderId, string> = {
  undici: 'raw undici (shared Agent)',
  'undici-dispatch': 'undici dispatch, minimal handler',
  'llm-session': 'llm-session (shared session)',
  'agent-per-call': 'new Agent per call',
  fetch: 'global fetch',
  openai: 'openai package',
  'ai-sdk': 'Vercel AI SDK',
}

export interface ContenderTarget {
  url: string
  ca: string
  /** Sockets per origin for every shared pool (the session's default). */
  connections: number
}

/** One call pattern: a JSON completion and a streamed one (each read to the end), on a pool it owns. */
export interface Contender {
  complete(): Promise<void>
  stream(): Promise<void>
  /** Closes the pool, so the next contender starts with no socket of this one open. */
  close(): Promise<void>
}

const MODEL = 'gpt-4o-mini'
const API_KEY = 'sk-bench'
const messages = [{ role: 'user' as const, content: 'Hello there' }]
const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }
const chatBody = (stream: boolean) =>
  JSON.stringify({ model: MODEL, messages, ...(stream ? { stream } : {}) })

/**
 * The least a hand-written client must do with an SSE answer: split events and parse each
 * `data:` payload. The raw contenders use it so every contender turns bytes into chunk objects.
 */
async function consumeSse(body: AsyncIterable<Uint8Array>): Promise<number> {
  const decoder = new TextDecoder()
  let buffer = ''
  let chunks = 0
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true })
    let end = buffer.indexOf('\n\n')
    while (end !== -1) {
      const event = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      if (event.startsWith('data: ') && event !== 'data: [DONE]') {
        JSON.parse(event.slice(6))
        chunks++
      }
      end = buffer.indexOf('\n\n')
    }
  }
  return chunks
}

function rawUndici(agent: () => Agent, origin: string, perCall: boolean): Contender {
  const send = async (stream: boolean) => {
    const dispatcher = agent()
    try {
      const res = await dispatcher.request({
        origin,
        path: '/v1/chat/completions',
        method: 'POST',
        headers,
        body: chatBody(stream),
      })
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`)
      if (stream) await consumeSse(res.body)
      else await res.body.json()
    } finally {
      if (perCall) await dispatcher.close()
    }
  }
  return { complete: () => send(false), stream: () => send(true), close: async () => {} }
}

/**
 * The practical limit of the stack: `dispatcher.dispatch()` with the least handler a client can
 * have (undici 7's handler API). JSON: collect the Buffers, decode and parse once. SSE: the same
 * naive split as the raw contender, fed straight from `onResponseData`. No stream object, no
 * per-chunk promise.
 */
function dispatchUndici(agent: Agent, origin: string): Contender {
  const send = (stream: boolean) =>
    new Promise<void>((resolve, reject) => {
      const decoder = new TextDecoder()
      const chunks: Buffer[] = []
      let status = 0
      let buffer = ''
      const readEvents = () => {
        let end = buffer.indexOf('\n\n')
        while (end !== -1) {
          const event = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (event.startsWith('data: ') && event !== 'data: [DONE]') JSON.parse(event.slice(6))
          end = buffer.indexOf('\n\n')
        }
      }
      // onRequestStart marks the handler as one of undici 7's API (undici wraps it for its core).
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart() {},
        onResponseStart(_controller, statusCode) {
          status = statusCode
        },
        onResponseData(_controller, chunk) {
          if (!stream) chunks.push(chunk)
          else {
            buffer += decoder.decode(chunk, { stream: true })
            readEvents()
          }
        },
        onResponseEnd() {
          if (status !== 200) return reject(new Error(`status ${status}`))
          try {
            if (!stream) JSON.parse(Buffer.concat(chunks).toString('utf8'))
            resolve()
          } catch (error) {
            reject(error)
          }
        },
        onResponseError(_controller, error) {
          reject(error)
        },
      }
      agent.dispatch(
        { origin, path: '/v1/chat/completions', method: 'POST', headers, body: chatBody(stream) },
        handler,
      )
    })
  return { complete: () => send(false), stream: () => send(true), close: () => agent.close() }
}

export function createContender(id: ContenderId, target: ContenderTarget): Contender {
  const { url, ca, connections } = target
  const sharedAgent = () => new Agent({ connections, connect: { ca } })
  switch (id) {
    case 'undici': {
      const agent = sharedAgent()
      return { ...rawUndici(() => agent, url, false), close: () => agent.close() }
    }
    case 'undici-dispatch':
      return dispatchUndici(sharedAgent(), url)
    case 'agent-per-call':
      return rawUndici(() => new Agent({ connect: { ca } }), url, true)
    case 'llm-session': {
      const session = createSession({ connections, tls: { ca } })
      const llm = createClient({ session, providers: { openai: { apiKey: API_KEY, baseUrl: `${url}/v1` } } })
      const request = { model: `openai/${MODEL}`, messages }
      return {
        complete: async () => {
          await llm.completion(request)
        },
        stream: async () => {
          for await (const _chunk of llm.stream(request));
        },
        close: () => session.close(),
      }
    }
    case 'fetch': {
      // Global fetch on its global dispatcher; the CA comes from NODE_EXTRA_CA_CERTS.
      const send = async (stream: boolean) => {
        const res = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers,
          body: chatBody(stream),
        })
        if (res.status !== 200) throw new Error(`status ${res.status}`)
        if (stream) await consumeSse(res.body!)
        else await res.json()
      }
      return { complete: () => send(false), stream: () => send(true), close: async () => {} }
    }
    case 'openai': {
      const agent = sharedAgent()
      // The Node types describe the bundled undici 6 Dispatcher; npm undici 7 Agent works with it at run time.
      const fetchOptions = { dispatcher: agent } as unknown as ClientOptions['fetchOptions']
      const client = new OpenAI({ apiKey: API_KEY, baseURL: `${url}/v1`, fetchOptions })
      return {
        complete: async () => {
          await client.chat.completions.create({ model: MODEL, messages })
        },
        stream: async () => {
          const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true })
          for await (const _chunk of stream);
        },
        close: () => agent.close(),
      }
    }
    case 'ai-sdk': {
      const agent = sharedAgent()
      const provider = createOpenAI({
        apiKey: API_KEY,
        baseURL: `${url}/v1`,
        fetch: ((input: string | URL, init?: RequestInit) =>
          undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch,
      })
      const model = provider.chat(MODEL)
      return {
        complete: async () => {
          await generateText({ model, messages })
        },
        stream: async () => {
          // fullStream, as textStream would hide a failed call (errors arrive as parts).
          for await (const part of streamText({ model, messages }).fullStream)
            if (part.type === 'error') throw part.error
        },
        close: () => agent.close(),
      }
    }
  }
}
