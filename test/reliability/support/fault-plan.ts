import {
  ConnectionError,
  type LlmClient,
  type LlmError,
  ProviderError,
  RateLimitError,
  ResponseParseError,
  ServiceUnavailableError,
  TimeoutError,
} from '../../../packages/core/src/index.js'

export type FaultProvider = 'openai' | 'anthropic' | 'bedrock'

/** One injected fault and how the client must end it: a typed error, or success after retries. */
export interface FaultCase {
  name: string
  /** `x-mock-fault` value; `-times-N` ones fail N times and then succeed (grouped per call by fault id). */
  fault: string
  stream: boolean
  provider: FaultProvider
  retries?: number
  timeout?: number
  /** The error class the call must end with, or 'success' (retried past the fault). */
  expected: (new (...args: never[]) => LlmError) | 'success'
}

/** Every fault the issue lists, each once as a terminal error and, where retryable, once as a survived retry. */
export const faultCases: FaultCase[] = [
  {
    name: 'reset before headers',
    fault: 'reset',
    stream: false,
    provider: 'openai',
    retries: 1,
    expected: ConnectionError,
  },
  {
    name: 'reset before headers, retried',
    fault: 'reset-times-1',
    stream: false,
    provider: 'openai',
    expected: 'success',
  },
  {
    name: 'reset mid-stream',
    fault: 'reset-mid-stream',
    stream: true,
    provider: 'openai',
    expected: ConnectionError,
  },
  {
    name: '429 with Retry-After',
    fault: 'fail-429-retry-after-1',
    stream: false,
    provider: 'openai',
    retries: 0,
    expected: RateLimitError,
  },
  {
    name: '429 with Retry-After, retried',
    fault: 'fail-429-retry-after-1-times-1',
    stream: true,
    provider: 'openai',
    expected: 'success',
  },
  {
    name: '503',
    fault: 'fail-503',
    stream: false,
    provider: 'openai',
    retries: 0,
    expected: ServiceUnavailableError,
  },
  { name: '503, retried', fault: 'fail-503-times-1', stream: false, provider: 'openai', expected: 'success' },
  {
    name: '529 (Anthropic)',
    fault: 'fail-529',
    stream: false,
    provider: 'anthropic',
    retries: 0,
    expected: ServiceUnavailableError,
  },
  {
    name: '529 (Anthropic), retried',
    fault: 'fail-529-times-1',
    stream: true,
    provider: 'anthropic',
    expected: 'success',
  },
  {
    name: 'stall past the timeout',
    fault: 'stall',
    stream: false,
    provider: 'openai',
    timeout: 300,
    expected: TimeoutError,
  },
  {
    name: 'malformed JSON',
    fault: 'malformed-json',
    stream: false,
    provider: 'openai',
    expected: ResponseParseError,
  },
  {
    name: 'truncated SSE',
    fault: 'truncated-stream',
    stream: true,
    provider: 'openai',
    expected: ResponseParseError,
  },
  {
    name: 'error event in a 200 stream',
    fault: 'stream-error',
    stream: true,
    provider: 'openai',
    expected: ProviderError,
  },
  {
    name: 'error event in a 200 stream (Anthropic)',
    fault: 'stream-error',
    stream: true,
    provider: 'anthropic',
    expected: ServiceUnavailableError,
  },
  // Bedrock: SigV4-signed (every retry signed anew), AWS JSON errors, binary event streams.
  {
    name: 'ThrottlingException 429 (Bedrock)',
    fault: 'fail-429',
    stream: false,
    provider: 'bedrock',
    retries: 0,
    expected: RateLimitError,
  },
  {
    name: '503 (Bedrock), retried',
    fault: 'fail-503-times-1',
    stream: true,
    provider: 'bedrock',
    expected: 'success',
  },
  {
    name: 'throttlingException event in a 200 stream (Bedrock)',
    fault: 'stream-error',
    stream: true,
    provider: 'bedrock',
    expected: RateLimitError,
  },
  {
    name: 'event-stream message with a bad checksum (Bedrock)',
    fault: 'malformed-json',
    stream: true,
    provider: 'bedrock',
    expected: ResponseParseError,
  },
  {
    name: 'event stream cut before metadata (Bedrock)',
    fault: 'truncated-stream',
    stream: true,
    provider: 'bedrock',
    expected: ResponseParseError,
  },
  {
    name: 'reset mid-stream (Bedrock)',
    fault: 'reset-mid-stream',
    stream: true,
    provider: 'bedrock',
    expected: ConnectionError,
  },
]

const models = {
  openai: 'openai/gpt-4o-mini',
  anthropic: 'anthropic/claude-sonnet-4-5',
  bedrock: 'bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0',
} as const

/** One call through the client; resolves to the answer text (a stream is read to its end). */
export async function runCall(
  client: LlmClient,
  options: {
    text: string
    stream: boolean
    provider: FaultProvider
    headers?: Record<string, string>
    retries?: number
    timeout?: number
  },
): Promise<string> {
  const request = {
    model: models[options.provider],
    messages: [{ role: 'user' as const, content: options.text }],
    max_tokens: 64,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  }
  if (!options.stream) {
    const completion = await client.completion(request)
    return completion.choices[0]?.message.content ?? ''
  }
  let text = ''
  for await (const chunk of client.stream(request)) text += chunk.choices[0]?.delta.content ?? ''
  return text
}
