import { InvalidArgumentError } from '../invalid-argument-error.js'
import type { MockAwsCredentials } from '../providers/verify-sigv4.js'
import { parseMockFault } from './mock-fault.js'
import type { MockRateLimits } from './mock-rate-limits.js'

/** A tool call the mock answers with, in every wire format's own shape. */
export interface MockToolCall {
  name: string
  /** The call's arguments (an object; streamed as JSON fragments where the format does that). */
  arguments: Record<string, unknown>
}

/** What a `reply` function gets to decide the answer. */
export interface MockReplyContext {
  route: string
  model: string
  /** Text of the last user message ('' when there is none). */
  lastUserMessage: string
}

export interface MockProviderOptions {
  /** Serve HTTPS with a CA generated at start (`mock.ca`). Default false. */
  tls?: boolean
  /** Default '127.0.0.1'. */
  host?: string
  /** Default 0 (a free port). */
  port?: number
  /** Delay before the response headers, in ms. Default 0. */
  latencyMs?: number
  /** Delay between the headers and the first chunk of a stream, in ms. Default 0. */
  timeToFirstTokenMs?: number
  /** Delay between stream chunks, in ms. Default 0. */
  chunkDelayMs?: number
  /** Number of tokens (stream chunks) in an answer; the text is repeated or cut to fit. Default: one per word. */
  tokens?: number
  /** Scripted answer text. Default: an echo of the last user message. */
  reply?: string | ((context: MockReplyContext) => string)
  /** Tool calls answered when the request declares tools and does not carry tool results. */
  toolCalls?: MockToolCall[]
  /** Length of generated embedding vectors when the request does not ask for one. Default 8. */
  embeddingDimensions?: number
  /** Size in bytes of the body the `oversized` fault sends. Default 8 MiB. */
  oversizedBytes?: number
  /** `expires_in` of access tokens from the token endpoint, in seconds. Default 3599. */
  tokenExpiresInSeconds?: number
  /** How long a stall lasts at most before the mock drops the connection, in ms. Default 60 000. */
  maxStallMs?: number
  /** How many requests `requests()` remembers. Default 100. */
  historySize?: number
  /** Limits per API key, answered with 429s and the provider's rate-limit headers. Default none. */
  rateLimits?: MockRateLimits
  /**
   * A fault (e.g. `fail-503`) for every request that asks for none, so a test can make a provider
   * start failing mid-run with `configure({ fault })`. Default none.
   */
  fault?: string
  /** AWS keys whose SigV4 signatures Bedrock routes accept. Default: `MOCK_AWS_CREDENTIALS`. */
  awsCredentials?: MockAwsCredentials[]
}

/**
 * The AWS key the mock accepts by default on Bedrock routes (test values, not real credentials).
 * @example createClient({ providers: { bedrock: { region: 'us-east-1', credentials: MOCK_AWS_CREDENTIALS } } })
 */
export const MOCK_AWS_CREDENTIALS: MockAwsCredentials = {
  accessKeyId: 'AKIAMOCKACCESSKEY000',
  secretAccessKey: 'mock-secret-access-key-for-tests-only',
}

export type ResolvedMockProviderOptions = Required<
  Omit<MockProviderOptions, 'tokens' | 'reply' | 'toolCalls' | 'rateLimits' | 'fault'>
> &
  Pick<MockProviderOptions, 'tokens' | 'reply' | 'toolCalls' | 'rateLimits' | 'fault'>

function check(condition: boolean, field: string, message: string): void {
  if (!condition) throw new InvalidArgumentError(`${field} ${message}`, { field })
}

function nonNegative(
  options: MockProviderOptions,
  field: keyof MockProviderOptions,
  fallback: number,
): number {
  const value = options[field] ?? fallback
  check(typeof value === 'number' && Number.isFinite(value) && value >= 0, field, 'must be a number >= 0')
  return value as number
}

function positiveInteger(
  options: MockProviderOptions,
  field: keyof MockProviderOptions,
  fallback: number,
): number {
  const value = options[field] ?? fallback
  check(Number.isInteger(value) && (value as number) > 0, field, 'must be an integer > 0')
  return value as number
}

/** Checks every option eagerly, so a typo fails at start and not at the first request. */
export function resolveMockProviderOptions(options: MockProviderOptions = {}): ResolvedMockProviderOptions {
  check(typeof options === 'object' && options !== null, 'options', 'must be an object')
  const port = options.port ?? 0
  check(Number.isInteger(port) && port >= 0 && port <= 65535, 'port', 'must be an integer from 0 to 65535')
  const host = options.host ?? '127.0.0.1'
  check(typeof host === 'string' && host.length > 0, 'host', 'must be a non-empty string')
  check(options.tls === undefined || typeof options.tls === 'boolean', 'tls', 'must be a boolean')
  if (options.tokens !== undefined) positiveInteger(options, 'tokens', 1)
  check(
    options.reply === undefined || typeof options.reply === 'string' || typeof options.reply === 'function',
    'reply',
    'must be a string or a function',
  )
  if (options.toolCalls !== undefined) {
    check(Array.isArray(options.toolCalls), 'toolCalls', 'must be an array')
    options.toolCalls.forEach((call, index) => {
      check(
        typeof call?.name === 'string' && call.name.length > 0,
        `toolCalls[${index}].name`,
        'must be a string',
      )
      check(
        typeof call.arguments === 'object' && call.arguments !== null && !Array.isArray(call.arguments),
        `toolCalls[${index}].arguments`,
        'must be an object',
      )
    })
  }
  if (options.rateLimits !== undefined) {
    check(
      typeof options.rateLimits === 'object' && options.rateLimits !== null,
      'rateLimits',
      'must be an object',
    )
    for (const name of ['requestsPerMinute', 'tokensPerMinute', 'maxConcurrent', 'windowMs'] as const) {
      const value = options.rateLimits[name]
      check(
        value === undefined || (typeof value === 'number' && Number.isFinite(value) && value > 0),
        `rateLimits.${name}`,
        'must be a number > 0',
      )
    }
  }
  check(
    options.fault === undefined ||
      (typeof options.fault === 'string' && parseMockFault(options.fault) !== undefined),
    'fault',
    'must be a fault name, e.g. fail-503',
  )
  const awsCredentials = options.awsCredentials ?? [MOCK_AWS_CREDENTIALS]
  check(Array.isArray(awsCredentials), 'awsCredentials', 'must be an array')
  awsCredentials.forEach((credentials, index) => {
    check(
      typeof credentials?.accessKeyId === 'string' && typeof credentials.secretAccessKey === 'string',
      `awsCredentials[${index}]`,
      'must have accessKeyId and secretAccessKey strings',
    )
  })
  return {
    tls: options.tls ?? false,
    awsCredentials,
    host,
    port,
    latencyMs: nonNegative(options, 'latencyMs', 0),
    timeToFirstTokenMs: nonNegative(options, 'timeToFirstTokenMs', 0),
    chunkDelayMs: nonNegative(options, 'chunkDelayMs', 0),
    tokens: options.tokens,
    reply: options.reply,
    toolCalls: options.toolCalls,
    embeddingDimensions: positiveInteger(options, 'embeddingDimensions', 8),
    oversizedBytes: positiveInteger(options, 'oversizedBytes', 8 * 1024 * 1024),
    tokenExpiresInSeconds: positiveInteger(options, 'tokenExpiresInSeconds', 3599),
    maxStallMs: positiveInteger(options, 'maxStallMs', 60_000),
    historySize: positiveInteger(options, 'historySize', 100),
    rateLimits: options.rateLimits,
    fault: options.fault,
  }
}
