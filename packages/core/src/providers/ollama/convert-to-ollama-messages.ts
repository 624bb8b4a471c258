import { InvalidArgumentError } from '../../errors/errors.js'
import type { ChatMessage, ContentPart } from '../../types/chat.js'
import { parseDataUrl } from '../shared/parse-data-url.js'
import { parseToolArguments } from '../shared/parse-tool-arguments.js'
import { toContentParts } from '../shared/to-content-parts.js'
import { toText } from '../shared/to-text.js'
import type { OllamaMessage } from './ollama-api-types.js'

/**
 * Converts OpenAI messages to Ollama's: text parts joined, images from data URLs as base64 in
 * `images` (Ollama cannot fetch URLs), tool call arguments as objects, and `tool` messages named
 * via `tool_name` after the earlier call with that id.
 * @example convertToOllamaMessages([{ role: 'user', content: 'Hi' }]) // [{ role: 'user', content: 'Hi' }]
 */
export function convertToOllamaMessages(messages: readonly ChatMessage[]): OllamaMessage[] {
  const toolNames = new Map<string, string>()
  return messages.map((message, i): OllamaMessage => {
    const field = `messages[${i}]`
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: toText(message.content, `${field}.content`) }
      case 'user':
        return toUserMessage(message.content, `${field}.content`)
      case 'assistant': {
        const result: OllamaMessage = {
          role: 'assistant',
          content: toText(message.content ?? '', `${field}.content`),
        }
        if (message.tool_calls !== undefined && message.tool_calls.length > 0) {
          result.tool_calls = message.tool_calls.map((call, j) => {
            toolNames.set(call.id, call.function.name)
            return {
              function: {
                name: call.function.name,
                arguments: parseToolArguments(
                  call.function.arguments,
                  `${field}.tool_calls[${j}].function.arguments`,
                ),
              },
            }
          })
        }
        return result
      }
      case 'tool': {
        const result: OllamaMessage = { role: 'tool', content: toText(message.content, `${field}.content`) }
        const name = toolNames.get(message.tool_call_id)
        // Older Ollama versions match results by position, so an unknown id is not an error here.
        if (name !== undefined) result.tool_name = name
        return result
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
}

function toUserMessage(content: string | readonly ContentPart[], field: string): OllamaMessage {
  let text = ''
  const images: string[] = []
  toContentParts(content, field).forEach((part, j) => {
    if (part.type === 'text') text += part.text
    else if (part.type === 'image_url') {
      const urlField = `${field}[${j}].image_url.url`
      const dataUrl = typeof part.image_url?.url === 'string' ? parseDataUrl(part.image_url.url) : undefined
      if (dataUrl === undefined) {
        throw new InvalidArgumentError(
          `${urlField} must be a base64 data URL (Ollama cannot fetch image URLs)`,
          {
            field: urlField,
          },
        )
      }
      images.push(dataUrl.data)
    } else {
      throw new InvalidArgumentError(`${field}[${j}].type is not supported`, { field: `${field}[${j}].type` })
    }
  })
  return images.length > 0 ? { role: 'user', content: text, images } : { role: 'user', content: text }
}
