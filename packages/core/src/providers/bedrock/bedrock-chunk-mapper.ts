import type { ChatCompletionChunk } from '../../types/chat.js'
import type { ChunkMapper, ProviderResponseContext, StreamEvent } from '../provider.js'
import { createChunkFactory } from '../shared/create-chunk-factory.js'
import { parseStreamEventObject } from '../shared/parse-stream-event-json.js'
import type { BedrockStreamPayload } from './bedrock-api-types.js'
import { createBedrockStreamError } from './bedrock-error.js'
import { mapBedrockStopReason } from './map-bedrock-finish-reason.js'
import { mapBedrockUsage } from './map-bedrock-usage.js'

interface ToolBlockState {
  toolIndex: number
  sawArguments: boolean
}

/**
 * Maps ConverseStream events (AWS event-stream messages, `:event-type` in `event`) to OpenAI chunks:
 * `messageStart` → role, `contentBlockStart` with `toolUse` → a tool call, `contentBlockDelta` →
 * text, tool input fragments or reasoning, `messageStop` → the finish reason, `metadata` → usage
 * (the last event, so it ends the stream). Exception events throw the typed error.
 * @example
 * const mapper = createBedrockChunkMapper(context)
 * for (const event of events) chunks.push(...mapper.map(event))
 */
export function createBedrockChunkMapper(context: ProviderResponseContext): ChunkMapper {
  const identity = {
    id: context.requestId ?? '',
    created: Math.floor(Date.now() / 1000),
    model: context.model,
  }
  const { chunk, usageChunk } = createChunkFactory(identity)
  let finished = false
  let toolCount = 0
  const toolBlocks = new Map<number, ToolBlockState>()
  // Reasoning blocks by content index, kept whole (text and signature) for the way back.
  const reasoning = new Map<number, { text: string; signature?: string; redactedContent?: string }>()

  return {
    get finished() {
      return finished
    },
    map(event: StreamEvent): ChatCompletionChunk[] {
      if (event.messageType === 'exception' || event.messageType === 'error')
        throw createBedrockStreamError(event.event ?? 'InternalServerException', event.data, context)
      // An event may come with an empty payload; it still counts by its type.
      const payload: BedrockStreamPayload =
        event.data.trim() === ''
          ? {}
          : parseStreamEventObject<BedrockStreamPayload>(event.data, context, { sender: 'Bedrock' })
      switch (event.event) {
        case 'messageStart':
          return [chunk({ role: 'assistant', content: '' })]
        case 'contentBlockStart': {
          const toolUse = payload.start?.toolUse
          if (toolUse === undefined || payload.contentBlockIndex === undefined) return []
          const state: ToolBlockState = { toolIndex: toolCount++, sawArguments: false }
          toolBlocks.set(payload.contentBlockIndex, state)
          const call = {
            index: state.toolIndex,
            id: toolUse.toolUseId ?? '',
            type: 'function' as const,
            function: { name: toolUse.name ?? '', arguments: '' },
          }
          const blocks = state.toolIndex === 0 ? [...reasoning.values()].map(toReasoningBlock) : []
          return [
            chunk({
              tool_calls: [
                blocks.length === 0
                  ? call
                  : { ...call, provider_metadata: { bedrock: { reasoningContent: blocks } } },
              ],
            }),
          ]
        }
        case 'contentBlockDelta': {
          const delta = payload.delta ?? {}
          if (delta.text) return [chunk({ content: delta.text })]
          if (delta.reasoningContent !== undefined && payload.contentBlockIndex !== undefined) {
            const block = reasoning.get(payload.contentBlockIndex) ?? { text: '' }
            reasoning.set(payload.contentBlockIndex, block)
            const { text, signature, redactedContent } = delta.reasoningContent
            if (signature) block.signature = (block.signature ?? '') + signature
            if (redactedContent) block.redactedContent = redactedContent
            if (text) {
              block.text += text
              return [chunk({ reasoning: text })]
            }
            return []
          }
          const state =
            payload.contentBlockIndex === undefined ? undefined : toolBlocks.get(payload.contentBlockIndex)
          if (state === undefined || !delta.toolUse?.input) return []
          state.sawArguments = true
          return [
            chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: delta.toolUse.input } }] }),
          ]
        }
        case 'contentBlockStop': {
          const state =
            payload.contentBlockIndex === undefined ? undefined : toolBlocks.get(payload.contentBlockIndex)
          if (state === undefined || state.sawArguments) return []
          // A tool called without arguments streams no input at all.
          state.sawArguments = true
          return [chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: '{}' } }] })]
        }
        case 'messageStop': {
          const finishReason = mapBedrockStopReason(payload.stopReason)
          return finishReason === null ? [] : [chunk({}, finishReason)]
        }
        case 'metadata':
          finished = true
          return payload.usage ? [usageChunk(mapBedrockUsage(payload.usage))] : []
        default:
          // Event types added later.
          return []
      }
    },
  }
}

function toReasoningBlock(block: { text: string; signature?: string; redactedContent?: string }) {
  return block.redactedContent !== undefined
    ? { redactedContent: block.redactedContent }
    : {
        reasoningText: {
          text: block.text,
          ...(block.signature === undefined ? {} : { signature: block.signature }),
        },
      }
}
