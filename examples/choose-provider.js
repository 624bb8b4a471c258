// Shared by the examples and `pnpm demo`: which model provider to talk to. A real one when its key is
// in the environment (core reads the key from there), else the embedded mock provider over TLS.
import { parseUntrustedChatRequest } from '@llm-session/core'

const real = [
  { key: 'OPENAI_API_KEY', baseUrl: 'OPENAI_BASE_URL', name: 'openai', model: 'openai/gpt-4o-mini' },
  {
    key: 'ANTHROPIC_API_KEY',
    baseUrl: 'ANTHROPIC_BASE_URL',
    name: 'anthropic',
    model: 'anthropic/claude-3-5-haiku-latest',
  },
  { key: 'GEMINI_API_KEY', baseUrl: 'GEMINI_BASE_URL', name: 'gemini', model: 'gemini/gemini-2.0-flash' },
]

/**
 * @param {Record<string, unknown>} [mockOptions] options of the mock (tokens, chunkDelayMs...)
 * @param {Record<string, string | undefined>} [env] where to look for keys; `{}` forces the mock
 * @returns {Promise<{ name: string, model: string, session: object, client: object, mock?: import('@llm-session/testing').MockProvider }>}
 */
export async function chooseProvider(mockOptions = {}, env = process.env) {
  const found = real.find((provider) => env[provider.key])
  if (found)
    return {
      name: found.name,
      model: env.LLM_MODEL ?? env.OPENAI_MODEL ?? found.model,
      session: {},
      // A base URL from the environment (e.g. OPENAI_BASE_URL) points at a compatible server or a proxy.
      client: {
        providers: {
          [found.name]: {
            apiKey: env[found.key],
            ...(env[found.baseUrl] ? { baseUrl: env[found.baseUrl] } : {}),
          },
        },
      },
      mock: undefined,
    }
  const { startMockProvider } = await import('@llm-session/testing')
  const mock = await startMockProvider({ tls: true, ...mockOptions })
  return {
    name: 'mock',
    model: 'openai/gpt-4o-mini',
    session: { tls: { ca: mock.ca } },
    client: { providers: { openai: { baseUrl: `${mock.url}/v1`, apiKey: 'sk-mock' } } },
    mock,
  }
}

/**
 * The completion request each example sends for a chat body. The body comes from an HTTP caller:
 * it gives the messages and may set `temperature` and `max_tokens`; the route chooses the model, and
 * any other field (`model`, `baseUrl`, `apiKey`, `headers`…) is a 400 naming it, before any I/O.
 */
export function chatRequest(model, body) {
  return { model, ...parseUntrustedChatRequest(body, { allow: ['temperature', 'max_tokens'] }) }
}
