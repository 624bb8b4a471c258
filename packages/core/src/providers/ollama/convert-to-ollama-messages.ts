import { InvalidArgumentError } from '../../errors/errors.js'
import type { ChatMessage, ContentPart } from '../../types/chat.js'
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
                arguments: parseArguments(
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

function parseArguments(text: string, field: string): Record<string, unknown> {
  if (typeof text !== 'string') throw new InvalidArgumentError(`${field} must be a JSON string`, { field })
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new InvalidArgumentError(`${field} is not valid JSON`, { field })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${field} must be a JSON object`, { field })
  }
  return value as Record<string, unknown>
}

function toText(content: string | readonly ContentPart[], field: string): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content))
    throw new InvalidArgumentError(`${field} must be a string or an array`, { field })
  return content
    .map((part, j) => {
      if (part.type !== 'text')
        throw new InvalidArgumentError(`${field}[${j}] must be a text part`, { field: `${field}[${j}]` })
      return part.text
    })
    .join('')
}

const dataUrlPattern = /^data:[^;,]+;base64,(.*)$/s

function toUserMessage(content: string | readonly ContentPart[], field: string): OllamaMessage {
  if (typeof content === 'string') return { role: 'user', content }
  if (!Array.isArray(content))
    throw new InvalidArgumentError(`${field} must be a string or an array`, { field })
  let text = ''
  const images: string[] = []
  content.forEach((part, j) => {
    if (part.type === 'text') text += part.text
    else if (part.type === 'image_url') {
      const urlField = `${field}[${j}].image_url.url`
      const match = typeof part.image_url?.url === 'string' ? dataUrlPattern.exec(part.image_url.url) : null
      if (match === null) {
        throw new InvalidArgumentError(
          `${urlField} must be a base64 data URL (Ollama cannot fetch image URLs)`,
          {
            field: urlField,
          },
        )
      }
      images.push(match[1]!)
    } else {
      throw new InvalidArgumentError(`${field}[${j}].type is not supported`, { field: `${field}[${j}].type` })
    }
  })
  return images.length > 0 ? { role: 'user', content: text, images } : { role: 'user', content: text }
}
