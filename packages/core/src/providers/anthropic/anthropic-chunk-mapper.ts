import { ResponseParseError } from '../../errors/errors.js'
import type { ChatCompletionChunk, ThinkingBlock } from '../../types/chat.js'
import type { ChunkMapper, ProviderResponseContext, StreamEvent } from '../provider.js'
import { createChunkFactory } from '../shared/create-chunk-factory.js'
import { parseStreamEventObject } from '../shared/parse-stream-event-json.js'
import type { AnthropicStreamPayload, AnthropicUsage } from './anthropic-api-types.js'
import { createAnthropicStreamError } from './anthropic-error.js'
import { mapAnthropicStopReason } from './map-anthropic-finish-reason.js'
import { mapAnthropicUsage } from './map-anthropic-usage.js'
import { readAnthropicThinkingBlock } from './read-anthropic-thinking-block.js'

interface ToolBlockState {
  toolIndex: number
  sawArguments: boolean
  stopped: boolean
}

/**
 * Maps Anthropic Messages stream events to OpenAI chunks.
 * Tool calls get OpenAI indices 0, 1, … in order of appearance (not Anthropic's block index, which
 * also counts text and server-tool blocks). Input tokens come from `message_start` unless
 * `message_delta.usage` carries them; output tokens from the last `message_delta`.
 * @example
 * const mapper = createAnthropicChunkMapper(context)
 * for (const event of events) chunks.push(...mapper.map(event))
 */
export function createAnthropicChunkMapper(context: ProviderResponseContext): ChunkMapper {
  const identity = { id: '', created: Math.floor(Date.now() / 1000), model: context.model }
  const { chunk, usageChunk } = createChunkFactory(identity)
  let usage: AnthropicUsage = {}
  let finished = false
  let toolCount = 0
  const toolBlocks = new Map<number, ToolBlockState>()
  // Thinking blocks by block index, sent whole (signature included) once they stop.
  const thinkingBlocks = new Map<number, ThinkingBlock>()
  const flushThinking = (index: number | undefined): ChatCompletionChunk[] => {
    const block = index === undefined ? undefined : thinkingBlocks.get(index)
    if (block === undefined) return []
    thinkingBlocks.delete(index!)
    return [chunk({ thinking_blocks: [block] })]
  }

  const emptyArguments = (state: ToolBlockState): ChatCompletionChunk[] => {
    if (state.sawArguments) return []
    state.sawArguments = true
    return [chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: '{}' } }] })]
  }

  return {
    get finished() {
      return finished
    },
    map(event: StreamEvent): ChatCompletionChunk[] {
      if (event.data.trim() === '') return []
      const payload = parseStreamEventObject<AnthropicStreamPayload>(event.data, context, {
        sender: 'Anthropic',
      })
      switch (payload.type ?? event.event) {
        case 'message_start': {
          const message = payload.message ?? {}
          if (typeof message.id === 'string') identity.id = message.id
          if (typeof message.model === 'string') identity.model = message.model
          usage = { ...message.usage }
          return [chunk({ role: 'assistant', content: '' })]
        }
        case 'content_block_start': {
          const block = payload.content_block
          if (block?.type === 'text') return block.text ? [chunk({ content: block.text })] : []
          const thinking = block === undefined ? undefined : readAnthropicThinkingBlock(block)
          if (thinking !== undefined) {
            if (payload.index !== undefined) thinkingBlocks.set(payload.index, thinking)
            return thinking.type === 'thinking' && thinking.thinking
              ? [chunk({ reasoning: thinking.thinking })]
              : []
          }
          if (block?.type !== 'tool_use' || payload.index === undefined) return []
          const state: ToolBlockState = { toolIndex: toolCount++, sawArguments: false, stopped: false }
          toolBlocks.set(payload.index, state)
          const hasInput =
            typeof block.input === 'object' && block.input !== null && Object.keys(block.input).length > 0
          if (hasInput) state.sawArguments = true
          return [
            chunk({
              tool_calls: [
                {
                  index: state.toolIndex,
                  id: block.id ?? '',
                  type: 'function',
                  function: {
                    name: block.name ?? '',
                    arguments: hasInput ? JSON.stringify(block.input) : '',
                  },
                },
              ],
            }),
          ]
        }
        case 'content_block_delta': {
          const delta = payload.delta ?? {}
          if (delta.type === 'text_delta' && delta.text) return [chunk({ content: delta.text })]
          const thinking = payload.index === undefined ? undefined : thinkingBlocks.get(payload.index)
          if (thinking?.type === 'thinking') {
            // As the SDK's MessageStream: thinking text is appended, the signature replaced.
            if (delta.type === 'thinking_delta' && delta.thinking) {
              thinking.thinking += delta.thinking
              return [chunk({ reasoning: delta.thinking })]
            }
            if (delta.type === 'signature_delta' && typeof delta.signature === 'string')
              thinking.signature = delta.signature
            return []
          }
          const state = payload.index === undefined ? undefined : toolBlocks.get(payload.index)
          if (delta.type !== 'input_json_delta' || state === undefined || !delta.partial_json) return []
          state.sawArguments = true
          return [
            chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: delta.partial_json } }] }),
          ]
        }
        case 'content_block_stop': {
          if (thinkingBlocks.has(payload.index ?? -1)) return flushThinking(payload.index)
          const state = payload.index === undefined ? undefined : toolBlocks.get(payload.index)
          if (state === undefined) return []
          state.stopped = true
          return emptyArguments(state)
        }
        case 'message_delta': {
          for (const [key, value] of Object.entries(payload.usage ?? {}))
            if (value != null) usage[key] = value
          // A tool block cut off by max_tokens keeps its raw partial arguments; one with none gets `{}`.
          const chunks = [...thinkingBlocks.keys()].flatMap(flushThinking)
          chunks.push(...[...toolBlocks.values()].filter((state) => !state.stopped).flatMap(emptyArguments))
          const stopReason = payload.delta?.stop_reason
          const finishReason = mapAnthropicStopReason(stopReason)
          if (finishReason !== null) chunks.push(chunk({}, finishReason, stopReason ?? undefined))
          chunks.push(usageChunk(mapAnthropicUsage(usage)))
          return chunks
        }
        case 'message_stop':
          finished = true
          return []
        case 'error':
          throw createAnthropicStreamError(payload, {
            provider: context.provider,
            requestId: context.requestId,
          })
        default:
          // ping and event types added later
          return []
      }
    },
  }
}
