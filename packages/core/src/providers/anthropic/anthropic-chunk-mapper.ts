import type { ChatCompletionChunk } from '../../types/chat.js'
import type { ChunkMapper, ProviderResponseContext, StreamEvent } from '../provider.js'
import { createChunkFactory } from '../shared/create-chunk-factory.js'
import { parseStreamEventObject } from '../shared/parse-stream-event-json.js'
import type { AnthropicStreamPayload, AnthropicUsage } from './anthropic-api-types.js'
import { createAnthropicStreamError } from './anthropic-error.js'
import { mapAnthropicStopReason } from './map-anthropic-finish-reason.js'
import { mapAnthropicUsage } from './map-anthropic-usage.js'

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
          if (block?.type === 'thinking') return block.thinking ? [chunk({ reasoning: block.thinking })] : []
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
          if (delta.type === 'thinking_delta' && delta.thinking) return [chunk({ reasoning: delta.thinking })]
          const state = payload.index === undefined ? undefined : toolBlocks.get(payload.index)
          if (delta.type !== 'input_json_delta' || state === undefined || !delta.partial_json) return []
          state.sawArguments = true
          return [
            chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: delta.partial_json } }] }),
          ]
        }
        case 'content_block_stop': {
          const state = payload.index === undefined ? undefined : toolBlocks.get(payload.index)
          if (state === undefined) return []
          state.stopped = true
          return emptyArguments(state)
        }
        case 'message_delta': {
          for (const [key, value] of Object.entries(payload.usage ?? {}))
            if (value != null) usage[key] = value
          // A tool block cut off by max_tokens keeps its raw partial arguments; one with none gets `{}`.
          const chunks = [...toolBlocks.values()].filter((state) => !state.stopped).flatMap(emptyArguments)
          const finishReason = mapAnthropicStopReason(payload.delta?.stop_reason)
          if (finishReason !== null) chunks.push(chunk({}, finishReason))
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
