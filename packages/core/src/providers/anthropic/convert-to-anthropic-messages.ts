import { InvalidArgumentError } from '../../errors/errors.js'
import type { ChatMessage, ContentPart } from '../../types/chat.js'
import { parseDataUrl } from '../shared/parse-data-url.js'
import { parseToolArguments } from '../shared/parse-tool-arguments.js'
import { pushMergedTurn, readToolCallId, unsupportedValueError } from '../shared/push-merged-turn.js'
import { toContentParts } from '../shared/to-content-parts.js'
import { toTextParts } from '../shared/to-text.js'
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
} from './anthropic-api-types.js'

export interface AnthropicPrompt {
  system: AnthropicTextBlock[] | undefined
  messages: AnthropicMessage[]
}

/**
 * Converts OpenAI messages to Anthropic's `system` and alternating `messages`.
 * System and developer messages are lifted into `system`; `tool` messages become `tool_result`
 * blocks in a user turn; consecutive turns of the same role are merged, because Anthropic requires
 * user and assistant to alternate. An assistant turn starts with its `thinking_blocks` and an
 * empty one is left out. Throws `InvalidArgumentError` naming the field for bad input.
 * @example
 * convertToAnthropicMessages([{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi' }])
 * // { system: [{ type: 'text', text: 'Be brief' }], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }
 */
export function convertToAnthropicMessages(messages: readonly ChatMessage[]): AnthropicPrompt {
  const system: AnthropicTextBlock[] = []
  const result: AnthropicMessage[] = []
  const push = (role: 'user' | 'assistant', content: AnthropicContentBlock[]) =>
    pushMergedTurn(result, role, content)

  messages.forEach((message, i) => {
    const field = `messages[${i}]`
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...toTextBlocks(message.content, `${field}.content`))
        break
      case 'user':
        push('user', toUserBlocks(message.content, `${field}.content`))
        break
      case 'assistant': {
        // Thinking first: with extended thinking on, Anthropic rejects a tool-use turn that does
        // not start with its (signed) thinking or redacted_thinking blocks.
        const blocks: AnthropicContentBlock[] = toThinkingBlocks(
          message.thinking_blocks,
          `${field}.thinking_blocks`,
        )
        blocks.push(
          ...toTextBlocks(message.content ?? [], `${field}.content`).filter((block) => block.text !== ''),
        )
        message.tool_calls?.forEach((call, j) => {
          blocks.push({
            type: 'tool_use',
            id: call.id,
            name: call.function.name,
            input: parseToolArguments(
              call.function.arguments,
              `${field}.tool_calls[${j}].function.arguments`,
            ),
          })
        })
        // Anthropic rejects `content: []`; an empty turn says nothing, so it is left out.
        if (blocks.length > 0) push('assistant', blocks)
        break
      }
      case 'tool': {
        const toolUseId = readToolCallId(message, field)
        const content =
          typeof message.content === 'string'
            ? message.content
            : toTextBlocks(message.content, `${field}.content`)
        push('user', [{ type: 'tool_result', tool_use_id: toolUseId, content }])
        break
      }
      default:
        throw unsupportedValueError(`${field}.role`, (message as { role?: unknown }).role)
    }
  })
  return { system: system.length > 0 ? system : undefined, messages: result }
}

function toThinkingBlocks(blocks: unknown, field: string): AnthropicContentBlock[] {
  if (blocks === undefined) return []
  if (!Array.isArray(blocks)) throw new InvalidArgumentError(`${field} must be an array`, { field })
  return blocks.map((block, j): AnthropicContentBlock => {
    const { type, thinking, signature, data } = (block ?? {}) as Record<string, unknown>
    if (type === 'thinking' && typeof thinking === 'string' && typeof signature === 'string')
      return { type, thinking, signature }
    if (type === 'redacted_thinking' && typeof data === 'string') return { type, data }
    throw new InvalidArgumentError(
      `${field}[${j}] must be {type:'thinking', thinking, signature} or {type:'redacted_thinking', data}`,
      { field: `${field}[${j}]` },
    )
  })
}

function toTextBlocks(content: string | readonly ContentPart[], field: string): AnthropicTextBlock[] {
  return toTextParts(content, field).map((text) => ({ type: 'text', text }))
}

function toUserBlocks(content: string | readonly ContentPart[], field: string): AnthropicContentBlock[] {
  return toContentParts(content, field).map((part, j): AnthropicContentBlock => {
    if (part.type === 'text') return { type: 'text', text: part.text }
    if (part.type === 'image_url') return toImageBlock(part.image_url?.url, `${field}[${j}].image_url.url`)
    throw unsupportedValueError(`${field}[${j}].type`, (part as { type?: unknown }).type)
  })
}

function toImageBlock(url: unknown, field: string): AnthropicImageBlock {
  if (typeof url === 'string') {
    const dataUrl = parseDataUrl(url)
    if (dataUrl)
      return { type: 'image', source: { type: 'base64', media_type: dataUrl.mediaType, data: dataUrl.data } }
    if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } }
  }
  throw new InvalidArgumentError(`${field} must be a base64 data URL or an http(s) URL`, { field })
}
