import { InvalidArgumentError } from '../../errors/errors.js'
import type { ChatCompletionMessageToolCall, ChatMessage, ContentPart } from '../../types/chat.js'
import { parseDataUrl } from '../shared/parse-data-url.js'
import { parseToolArguments } from '../shared/parse-tool-arguments.js'
import { toContentParts } from '../shared/to-content-parts.js'
import { toText } from '../shared/to-text.js'
import type { GeminiContent, GeminiPart } from './gemini-api-types.js'

export interface GeminiPrompt {
  systemInstruction: { parts: Array<{ text: string }> } | undefined
  contents: GeminiContent[]
}

/**
 * Converts OpenAI messages to Gemini `contents` and `systemInstruction`. Assistant turns become
 * `model` turns whose `functionCall` parts carry back the `thoughtSignature` we returned in
 * `provider_metadata.gemini`; `tool` messages become `functionResponse` parts in a user turn, named
 * after the earlier tool call with that id. Same-role neighbours are merged into one turn.
 * @example convertToGeminiMessages([{ role: 'user', content: 'Hi' }]).contents // [{ role: 'user', parts: [{ text: 'Hi' }] }]
 */
export function convertToGeminiMessages(messages: readonly ChatMessage[]): GeminiPrompt {
  const system: Array<{ text: string }> = []
  const contents: GeminiContent[] = []
  const toolNames = new Map<string, string>()
  const push = (role: 'user' | 'model', parts: GeminiPart[]): void => {
    const last = contents.at(-1)
    if (last?.role === role) last.parts.push(...parts)
    else contents.push({ role, parts })
  }

  messages.forEach((message, i) => {
    const field = `messages[${i}]`
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push({ text: toText(message.content, `${field}.content`) })
        break
      case 'user':
        push('user', toUserParts(message.content, `${field}.content`))
        break
      case 'assistant': {
        const parts: GeminiPart[] = []
        const text = toText(message.content ?? '', `${field}.content`)
        if (text !== '') parts.push({ text })
        message.tool_calls?.forEach((call, j) => {
          toolNames.set(call.id, call.function.name)
          parts.push(toFunctionCallPart(call, `${field}.tool_calls[${j}]`))
        })
        // Gemini rejects a model turn without parts; an empty assistant message adds nothing.
        if (parts.length > 0) push('model', parts)
        break
      }
      case 'tool': {
        const name = toolNames.get(message.tool_call_id)
        if (name === undefined) {
          throw new InvalidArgumentError(
            `${field}.tool_call_id ${JSON.stringify(message.tool_call_id)} matches no earlier assistant tool call`,
            { field: `${field}.tool_call_id` },
          )
        }
        const content = toText(message.content, `${field}.content`)
        push('user', [{ functionResponse: { name, response: { content } } }])
        break
      }
      default:
        throw new InvalidArgumentError(
          `${field}.role ${JSON.stringify((message as { role?: unknown }).role)} is not supported`,
          {
            field: `${field}.role`,
          },
        )
    }
  })
  return { systemInstruction: system.length > 0 ? { parts: system } : undefined, contents }
}

function toFunctionCallPart(call: ChatCompletionMessageToolCall, field: string): GeminiPart {
  const args = parseToolArguments(call.function.arguments, `${field}.function.arguments`)
  const part: GeminiPart = { functionCall: { name: call.function.name, args } }
  const signature = (call.provider_metadata?.gemini as { thoughtSignature?: unknown } | undefined)
    ?.thoughtSignature
  if (typeof signature === 'string') part.thoughtSignature = signature
  return part
}

function toUserParts(content: string | readonly ContentPart[], field: string): GeminiPart[] {
  return toContentParts(content, field).map((part, j): GeminiPart => {
    if (part.type === 'text') return { text: part.text }
    const urlField = `${field}[${j}].image_url.url`
    const url: unknown = part.type === 'image_url' ? part.image_url?.url : undefined
    if (typeof url !== 'string')
      throw new InvalidArgumentError(`${field}[${j}] must be a text or image_url part`, {
        field: `${field}[${j}]`,
      })
    const dataUrl = parseDataUrl(url)
    if (dataUrl) return { inlineData: { mimeType: dataUrl.mediaType, data: dataUrl.data } }
    if (/^(https?|gs):\/\//i.test(url))
      return { fileData: { mimeType: guessImageMimeType(url), fileUri: url } }
    throw new InvalidArgumentError(`${urlField} must be a base64 data URL or an http(s)/gs URL`, {
      field: urlField,
    })
  })
}

function guessImageMimeType(url: string): string {
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase()
  if (extension === 'png') return 'image/png'
  if (extension === 'webp') return 'image/webp'
  if (extension === 'gif') return 'image/gif'
  return 'image/jpeg'
}
