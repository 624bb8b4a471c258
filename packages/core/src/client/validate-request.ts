import { InvalidArgumentError } from '../errors/errors.js'
import type { CompletionRequest, EmbeddingRequest } from '../types/request.js'

/** setTimeout fires at once (after a warning) above this many milliseconds. */
export const maxTimerMs = 2 ** 31 - 1

const roles = new Set(['system', 'developer', 'user', 'assistant', 'tool'])
const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const fail = (field: string, message: string): never => {
  throw new InvalidArgumentError(message, { field })
}
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A header map: token names, string values without CR, LF or NUL. Values never appear in messages. */
export function validateHeaders(headers: unknown, field: string): void {
  if (headers === undefined) return
  if (!isObject(headers)) fail(field, `${field} must be an object of strings`)
  for (const [name, value] of Object.entries(headers as object)) {
    if (!headerName.test(name)) fail(`${field}.${name}`, `${field} has an invalid header name`)
    if (typeof value !== 'string') fail(`${field}.${name}`, `${field}.${name} must be a string`)
    if (/[\r\n\0]/.test(value as string)) fail(`${field}.${name}`, `${field}.${name} contains CR, LF or NUL`)
  }
}

export function validateApiKey(apiKey: unknown, field: string): void {
  if (apiKey === undefined) return
  if (typeof apiKey !== 'string' || apiKey === '') fail(field, `${field} must be a non-empty string`)
  if (/[\r\n\0]/.test(apiKey as string)) fail(field, `${field} contains CR, LF or NUL`)
}

// Base URLs already found valid: a client checks the same one on every call.
const validBaseUrls = new Set<string>()

export function validateBaseUrl(baseUrl: unknown, field: string): void {
  if (baseUrl === undefined || validBaseUrls.has(baseUrl as string)) return
  let url: URL | undefined
  try {
    url = new URL(String(baseUrl))
  } catch {}
  if (
    typeof baseUrl !== 'string' ||
    url === undefined ||
    (url.protocol !== 'http:' && url.protocol !== 'https:')
  )
    fail(field, `${field} must be an http:// or https:// URL`)
  if (url?.username || url?.password) fail(field, `${field} must not contain credentials`)
  if (validBaseUrls.size >= 256) validBaseUrls.clear()
  validBaseUrls.add(baseUrl as string)
}

export function validateNumber(
  value: unknown,
  field: string,
  { min, max, integer = false }: { min?: number; max?: number; integer?: boolean },
): void {
  if (value === undefined) return
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max)
  if (!ok)
    fail(
      field,
      `${field} must be a finite ${integer ? 'integer' : 'number'}${min === undefined ? '' : ` >= ${min}`}${max === undefined ? '' : ` <= ${max}`}`,
    )
}

function validateCallOptions(request: CompletionRequest | EmbeddingRequest): void {
  validateApiKey(request.apiKey, 'apiKey')
  validateBaseUrl(request.baseUrl, 'baseUrl')
  validateHeaders(request.headers, 'headers')
  validateNumber(request.timeout, 'timeout', { min: 1, max: maxTimerMs })
  validateNumber(request.retries, 'retries', { min: 0, max: 10, integer: true })
  if (request.signal !== undefined && !(request.signal instanceof AbortSignal))
    fail('signal', 'signal must be an AbortSignal')
}

function validateContent(content: unknown, field: string, allowNull: boolean): void {
  if (typeof content === 'string' || (allowNull && (content === null || content === undefined))) return
  if (!Array.isArray(content)) fail(field, `${field} must be a string or an array of content parts`)
  for (const [index, part] of (content as unknown[]).entries())
    if (!isObject(part) || typeof part.type !== 'string')
      fail(`${field}[${index}]`, `${field}[${index}] must be a content part with a type`)
}

function validateMessages(messages: unknown): void {
  if (!Array.isArray(messages) || messages.length === 0)
    fail('messages', 'messages must be a non-empty array')
  for (const [index, message] of (messages as unknown[]).entries()) {
    const field = `messages[${index}]`
    if (!isObject(message)) fail(field, `${field} must be an object`)
    const { role, content, tool_call_id: toolCallId } = message as Record<string, unknown>
    if (typeof role !== 'string' || !roles.has(role))
      fail(`${field}.role`, `${field}.role must be one of ${[...roles].join(', ')}`)
    if (role === 'tool' && (typeof toolCallId !== 'string' || toolCallId === ''))
      fail(`${field}.tool_call_id`, `${field} has role tool but no tool_call_id`)
    const toolCalls = (message as Record<string, unknown>).tool_calls
    if (role === 'assistant' && toolCalls !== undefined) {
      if (!Array.isArray(toolCalls)) fail(`${field}.tool_calls`, `${field}.tool_calls must be an array`)
      for (const [callIndex, call] of (toolCalls as unknown[]).entries()) {
        const fn = isObject(call) ? call.function : undefined
        if (
          !isObject(call) ||
          typeof call.id !== 'string' ||
          !isObject(fn) ||
          typeof fn.name !== 'string' ||
          typeof fn.arguments !== 'string'
        )
          fail(
            `${field}.tool_calls[${callIndex}]`,
            `${field}.tool_calls[${callIndex}] needs id, function.name and function.arguments (a string)`,
          )
      }
    }
    validateContent(content, `${field}.content`, role === 'assistant')
  }
}

/** Checks a completion request before any I/O. Throws `InvalidArgumentError` naming the field. */
export function validateCompletionRequest(request: CompletionRequest): void {
  if (!isObject(request)) fail('request', 'the request must be an object')
  validateCallOptions(request)
  validateMessages(request.messages)
  validateNumber(request.temperature, 'temperature', { min: 0, max: 2 })
  validateNumber(request.top_p, 'top_p', { min: 0, max: 1 })
  validateNumber(request.max_tokens, 'max_tokens', { min: 1, integer: true })
  validateNumber(request.max_completion_tokens, 'max_completion_tokens', { min: 1, integer: true })
  validateNumber(request.seed, 'seed', { integer: true })
  validateNumber(request.idleTimeout, 'idleTimeout', { min: 1, max: maxTimerMs })
  validateNumber(request.streamTimeout, 'streamTimeout', { min: 1, max: maxTimerMs })
  if (
    request.stream_options !== undefined &&
    request.stream_options !== null &&
    !isObject(request.stream_options)
  )
    fail('stream_options', 'stream_options must be an object or null')
  if (
    request.stop !== undefined &&
    typeof request.stop !== 'string' &&
    !(Array.isArray(request.stop) && request.stop.every((s) => typeof s === 'string'))
  )
    fail('stop', 'stop must be a string or an array of strings')
  if (request.tools !== undefined) {
    if (!Array.isArray(request.tools)) fail('tools', 'tools must be an array')
    for (const [index, tool] of request.tools.entries())
      if (
        !isObject(tool) ||
        tool.type !== 'function' ||
        !isObject(tool.function) ||
        typeof tool.function.name !== 'string'
      )
        fail(`tools[${index}]`, `tools[${index}] must be {type:'function', function:{name, …}}`)
  }
  const format = request.response_format
  if (format !== undefined && (!isObject(format) || typeof format.type !== 'string'))
    fail('response_format', "response_format must be an object with a type, e.g. { type: 'json_object' }")
  const choice = request.tool_choice
  if (choice !== undefined && typeof choice !== 'string' && !isObject(choice))
    fail('tool_choice', 'tool_choice must be a string or an object')
  if (request.user !== undefined && typeof request.user !== 'string') fail('user', 'user must be a string')
  if (request.parallel_tool_calls !== undefined && typeof request.parallel_tool_calls !== 'boolean')
    fail('parallel_tool_calls', 'parallel_tool_calls must be a boolean')
  if (request.extraBody !== undefined && !isObject(request.extraBody))
    fail('extraBody', 'extraBody must be an object')
}

/** Checks an embedding request before any I/O. */
export function validateEmbeddingRequest(request: EmbeddingRequest): void {
  if (!isObject(request)) fail('request', 'the request must be an object')
  validateCallOptions(request)
  const { input } = request
  const ok =
    typeof input === 'string' ||
    (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string'))
  if (!ok) fail('input', 'input must be a string or a non-empty array of strings')
  validateNumber(request.dimensions, 'dimensions', { min: 1, integer: true })
  if (request.extraBody !== undefined && !isObject(request.extraBody))
    fail('extraBody', 'extraBody must be an object')
}
