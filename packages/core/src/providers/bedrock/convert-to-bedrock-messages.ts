import { InvalidArgumentError } from '../../errors/errors.js'
import type { ChatMessage, ContentPart } from '../../types/chat.js'
import { parseDataUrl } from '../shared/parse-data-url.js'
import { parseToolArguments } from '../shared/parse-tool-arguments.js'
import { pushMergedTurn, readToolCallId, unsupportedValueError } from '../shared/push-merged-turn.js'
import { toContentParts } from '../shared/to-content-parts.js'
import { toText, toTextParts } from '../shared/to-text.js'
import type {
  BedrockContentBlock,
  BedrockImageBlock,
  BedrockMessage,
  BedrockTextBlock,
} from './bedrock-api-types.js'
import { readBedrockReasoning } from './bedrock-reasoning-metadata.js'

export interface BedrockPrompt {
  system: BedrockTextBlock[] | undefined
  messages: BedrockMessage[]
}

const imageFormats: Record<string, BedrockImageBlock['image']['format']> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
}

/**
 * Converts OpenAI messages to Converse `system` and `messages`. System and developer messages go
 * to `system`; reasoning carried on tool calls (`provider_metadata.bedrock`) goes back before the
 * assistant's text; `tool` messages become `toolResult` blocks in a user turn; consecutive turns of one
 * role are merged, because Converse requires user and assistant to alternate; empty text blocks
 * are dropped, because Converse rejects blank text. Throws `InvalidArgumentError` naming the field.
 * @example
 * convertToBedrockMessages([{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi' }])
 * // { system: [{ text: 'Be brief' }], messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }
 */
export function convertToBedrockMessages(messages: readonly ChatMessage[]): BedrockPrompt {
  const system: BedrockTextBlock[] = []
  const result: BedrockMessage[] = []
  const push = (role: 'user' | 'assistant', content: BedrockContentBlock[]) =>
    pushMergedTurn(result, role, content)

  messages.forEach((message, i) => {
    const field = `messages[${i}]`
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(message.content, `${field}.content`))
        break
      case 'user':
        push('user', userBlocks(message.content, `${field}.content`))
        break
      case 'assistant': {
        // Reasoning first, as the model wrote it, then text and tool uses.
        const blocks: BedrockContentBlock[] = [
          ...readBedrockReasoning(message.tool_calls, field),
          ...textBlocks(message.content ?? [], `${field}.content`),
        ]
        message.tool_calls?.forEach((call, j) => {
          blocks.push({
            toolUse: {
              toolUseId: call.id,
              name: call.function.name,
              input: parseToolArguments(
                call.function.arguments,
                `${field}.tool_calls[${j}].function.arguments`,
              ),
            },
          })
        })
        push('assistant', blocks)
        break
      }
      case 'tool': {
        const toolUseId = readToolCallId(message, field)
        // A result must carry some content; an empty one is sent as an empty text.
        const text = toText(message.content, `${field}.content`)
        push('user', [{ toolResult: { toolUseId, content: [{ text }] } }])
        break
      }
      default:
        throw unsupportedValueError(`${field}.role`, (message as { role?: unknown }).role)
    }
  })
  return { system: system.length > 0 ? system : undefined, messages: result }
}

function textBlocks(content: string | readonly ContentPart[], field: string): BedrockTextBlock[] {
  return toTextParts(content, field)
    .filter((text) => text !== '')
    .map((text) => ({ text }))
}

function userBlocks(content: string | readonly ContentPart[], field: string): BedrockContentBlock[] {
  const blocks: BedrockContentBlock[] = []
  toContentParts(content, field).forEach((part, j) => {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ text: part.text })
    } else if (part.type === 'image_url')
      blocks.push(imageBlock(part.image_url?.url, `${field}[${j}].image_url.url`))
    else throw unsupportedValueError(`${field}[${j}].type`, (part as { type?: unknown }).type)
  })
  return blocks
}

function imageBlock(url: unknown, field: string): BedrockImageBlock {
  const dataUrl = typeof url === 'string' ? parseDataUrl(url) : undefined
  const format = dataUrl && imageFormats[dataUrl.mediaType.toLowerCase()]
  if (dataUrl === undefined || format === undefined) {
    // Converse takes image bytes or an S3 location, never an http(s) URL it would fetch.
    throw new InvalidArgumentError(
      `${field} must be a base64 data URL of a png, jpeg, gif or webp image (Bedrock does not fetch image URLs)`,
      { field },
    )
  }
  return { image: { format, source: { bytes: dataUrl.data } } }
}
