import { InvalidArgumentError } from '../errors/errors.js'
import type { ChatMessage, ContentPart } from '../types/chat.js'
import type { CompletionRequest } from '../types/request.js'
import { ownValue, readOwnOptions } from './read-own-options.js'
import { validateCompletionRequest } from './validate-request.js'

/**
 * Body fields besides `messages` that a route may let its HTTP caller set. None of them can
 * choose where a key goes: `model`, `apiKey`, `baseUrl`, `headers`, `extraBody`, `session`,
 * `timeout`, `retries` and `idleTimeout` are never accepted from a caller.
 */
export type UntrustedChatField =
  | 'temperature'
  | 'top_p'
  | 'max_tokens'
  | 'max_completion_tokens'
  | 'stop'
  | 'seed'
  | 'user'
  | 'response_format'
  | 'tools'
  | 'tool_choice'
  | 'parallel_tool_calls'

type CallerRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool'

/**
 * What a route accepts from its caller.
 * @example
 * const options: UntrustedChatRequestOptions = { allow: ['temperature', 'max_tokens'], maxMessages: 50 }
 */
export interface UntrustedChatRequestOptions<Field extends UntrustedChatField = never> {
  /** Fields besides `messages` the caller may set. Default: none. */
  allow?: readonly Field[]
  /** Message roles the caller may send. Default: `user` and `assistant` (no system prompt). */
  roles?: readonly CallerRole[]
  /** At most this many messages. Default: 100. */
  maxMessages?: number
}

/** A request built from a caller's body: messages plus the allowed fields; spread it after `model`. */
export type UntrustedChatRequest<Field extends UntrustedChatField = never> = {
  messages: ChatMessage[]
} & Partial<Pick<CompletionRequest, Field>>

const callerFields = new Set<string>([
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'seed',
  'user',
  'response_format',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
])
const callerRoles = new Set<string>(['system', 'developer', 'user', 'assistant', 'tool'])
const defaultRoles: readonly CallerRole[] = ['user', 'assistant']
const knownOptions = new Set(['allow', 'roles', 'maxMessages'])

const fail = (field: string, message: string): never => {
  throw new InvalidArgumentError(message, { field })
}
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
// A caller's field name goes into a 400 answer and a log line: short and printable only.
const printable = (name: string): string => JSON.stringify(name.slice(0, 64)).replace(/[^\x20-\x7e]/g, '?')
const own = (record: Record<string, unknown>, key: string): unknown => ownValue(record, key)

function copyContent(content: unknown): string | ContentPart[] | null | undefined {
  if (!Array.isArray(content)) return content as string | null | undefined
  return content.map((part) => {
    if (!isRecord(part)) return part as ContentPart
    const type = own(part, 'type')
    if (type === 'image_url') {
      const image = own(part, 'image_url')
      const url = isRecord(image) ? own(image, 'url') : undefined
      const detail = isRecord(image) ? own(image, 'detail') : undefined
      return { type, image_url: detail === undefined ? { url } : { url, detail } } as ContentPart
    }
    return { type, text: own(part, 'text') } as ContentPart
  })
}

// Only the fields of the OpenAI message shape, read as own properties: nothing else a caller adds
// reaches a provider body.
function copyMessage(message: unknown, index: number, roles: ReadonlySet<string>): ChatMessage {
  const field = `messages[${index}]`
  if (!isRecord(message)) return fail(field, `${field} must be an object`)
  const role = own(message, 'role')
  if (typeof role !== 'string' || !roles.has(role))
    fail(`${field}.role`, `${field}.role must be one of ${[...roles].join(', ')}`)
  const copy: Record<string, unknown> = { role, content: copyContent(own(message, 'content')) }
  const name = own(message, 'name')
  if (name !== undefined) copy.name = name
  if (role === 'tool') copy.tool_call_id = own(message, 'tool_call_id')
  if (role === 'assistant') copyRoundTrip(message, copy, field)
  return copy as unknown as ChatMessage
}

// What an earlier answer carries for its next turn (reasoning, Anthropic thinking blocks, Gemini
// and Bedrock tool-call metadata), so a history kept by the caller still round-trips. None of it
// chooses where a request goes; each is copied in its documented shape only.
function copyRoundTrip(message: Record<string, unknown>, copy: Record<string, unknown>, field: string): void {
  for (const key of ['reasoning', 'reasoning_content'] as const) {
    const value = own(message, key)
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') fail(`${field}.${key}`, `${field}.${key} must be a string`)
    copy[key] = value
  }
  const blocks = own(message, 'thinking_blocks')
  if (blocks !== undefined && blocks !== null) {
    if (!Array.isArray(blocks)) fail(`${field}.thinking_blocks`, `${field}.thinking_blocks must be an array`)
    copy.thinking_blocks = (blocks as unknown[]).map((block, index) => {
      const at = `${field}.thinking_blocks[${index}]`
      const type = isRecord(block) ? own(block, 'type') : undefined
      const text = (key: string) => {
        const value = own(block as Record<string, unknown>, key)
        return typeof value === 'string' ? value : fail(`${at}.${key}`, `${at}.${key} must be a string`)
      }
      if (type === 'thinking') return { type, thinking: text('thinking'), signature: text('signature') }
      if (type === 'redacted_thinking') return { type, data: text('data') }
      return fail(at, `${at} must be a thinking or redacted_thinking block`)
    })
  }
  const toolCalls = own(message, 'tool_calls')
  if (toolCalls === undefined) return
  copy.tool_calls = Array.isArray(toolCalls)
    ? toolCalls.map((call, index) => {
        if (!isRecord(call)) return call
        const fn = own(call, 'function')
        const metadata = own(call, 'provider_metadata')
        const copied: Record<string, unknown> = {
          id: own(call, 'id'),
          type: 'function',
          function: isRecord(fn) ? { name: own(fn, 'name'), arguments: own(fn, 'arguments') } : fn,
        }
        if (isRecord(metadata))
          copied.provider_metadata = copyJson(metadata, `${field}.tool_calls[${index}].provider_metadata`)
        return copied
      })
    : toolCalls
}

// JSON values only: a getter, a class instance or a cycle in a caller's value does not travel on.
function copyJson(value: unknown, field: string): unknown {
  try {
    return JSON.parse(JSON.stringify(value))
  } catch {
    return fail(field, `${field} must be plain JSON`)
  }
}

function validateCallerField(name: string, value: unknown): void {
  if (name === 'response_format') {
    const type = isRecord(value) ? own(value, 'type') : undefined
    if (type !== 'text' && type !== 'json_object' && type !== 'json_schema')
      fail(name, 'response_format must be {type: "text" | "json_object" | "json_schema"}')
  } else if (name === 'tool_choice') {
    const fn = isRecord(value) ? own(value, 'function') : undefined
    const named = isRecord(fn) && typeof own(fn, 'name') === 'string'
    if (!(value === 'none' || value === 'auto' || value === 'required' || named))
      fail(name, 'tool_choice must be "none", "auto", "required" or {type: "function", function: {name}}')
  } else if (name === 'parallel_tool_calls' && typeof value !== 'boolean')
    fail(name, 'parallel_tool_calls must be a boolean')
  else if (name === 'user' && typeof value !== 'string') fail(name, 'user must be a string')
}

function readOptions(options: unknown): {
  allow: ReadonlySet<string>
  roles: ReadonlySet<string>
  maxMessages: number
} {
  if (!isRecord(options)) return fail('options', 'options must be an object')
  readOwnOptions(options, knownOptions, { label: 'option', prefix: 'options.' })
  const allow = own(options, 'allow') ?? []
  if (!Array.isArray(allow) || allow.some((name) => !callerFields.has(name)))
    fail('options.allow', `options.allow may list only ${[...callerFields].join(', ')}`)
  const roles = own(options, 'roles') ?? defaultRoles
  if (!Array.isArray(roles) || roles.length === 0 || roles.some((role) => !callerRoles.has(role)))
    fail('options.roles', `options.roles may list only ${[...callerRoles].join(', ')}`)
  const maxMessages = own(options, 'maxMessages') ?? 100
  if (typeof maxMessages !== 'number' || !Number.isInteger(maxMessages) || maxMessages < 1)
    fail('options.maxMessages', 'options.maxMessages must be a positive integer')
  return {
    allow: new Set(allow as string[]),
    roles: new Set(roles as string[]),
    maxMessages: maxMessages as number,
  }
}

/**
 * Turns the body an HTTP caller sent into a safe completion request: its `messages` (copied,
 * with the roles you accept) and the sampling fields you list in `allow`. Any other field, such
 * as `model`, `baseUrl`, `apiKey` or `headers`, is an `InvalidArgumentError` naming it, before any
 * I/O; the bindings' error handlers answer it with a 400. The route chooses the model.
 * @example
 * app.post('/chat', async (request) => {
 *   const chat = parseUntrustedChatRequest(request.body, { allow: ['temperature', 'max_tokens'] })
 *   return request.llm.completion({ model: 'openai/gpt-4o-mini', ...chat })
 * })
 */
export function parseUntrustedChatRequest<Field extends UntrustedChatField = never>(
  body: unknown,
  options: UntrustedChatRequestOptions<Field> = {},
): UntrustedChatRequest<Field> {
  const { allow, roles, maxMessages } = readOptions(options)
  if (!isRecord(body)) return fail('body', 'the request body must be a JSON object')
  const request: Record<string, unknown> = {}
  for (const key of Object.keys(body)) {
    if (key === 'messages') continue
    if (!allow.has(key)) fail(key.slice(0, 64), `the request body field ${printable(key)} is not accepted`)
    const value = body[key]
    if (value === undefined || value === null) continue
    validateCallerField(key, value)
    request[key] = typeof value === 'object' ? copyJson(value, key) : value
  }
  const messages = own(body, 'messages')
  if (!Array.isArray(messages) || messages.length === 0)
    fail('messages', 'messages must be a non-empty array')
  if ((messages as unknown[]).length > maxMessages)
    fail('messages', `messages may hold at most ${maxMessages} messages`)
  request.messages = (messages as unknown[]).map((message, index) => copyMessage(message, index, roles))
  validateCompletionRequest(request as unknown as CompletionRequest)
  return request as UntrustedChatRequest<Field>
}
