import { ResponseParseError } from '../../errors/errors.js'
import type { ChatCompletion, ChatCompletionMessageToolCall } from '../../types/chat.js'
import type { ProviderResponseContext } from '../provider.js'
import { createChatCompletion } from '../shared/create-chat-completion.js'
import type { BedrockConverseResponse, BedrockReasoningBlock } from './bedrock-api-types.js'
import { withBedrockReasoning } from './bedrock-reasoning-metadata.js'
import { mapBedrockStopReason } from './map-bedrock-finish-reason.js'
import { mapBedrockUsage } from './map-bedrock-usage.js'

/**
 * Maps a Converse response to a ChatCompletion: text blocks joined, `toolUse` blocks as
 * `tool_calls` (input stringified), `reasoningContent` text as `reasoning` (the blocks themselves, with
 * their signatures, on the first tool call for the way back), other blocks skipped.
 * Converse has no response id, so the id is AWS's request id.
 * @example parseBedrockResponse(body, context).choices[0].finish_reason // 'stop' for end_turn
 */
export function parseBedrockResponse(body: unknown, context: ProviderResponseContext): ChatCompletion {
  const response = body as BedrockConverseResponse | undefined
  const content = response?.output?.message?.content
  if (!Array.isArray(content)) {
    throw new ResponseParseError('Bedrock Converse response has no output.message.content array', {
      provider: context.provider,
      requestId: context.requestId,
      body,
    })
  }
  let text = ''
  let reasoning = ''
  const toolCalls: ChatCompletionMessageToolCall[] = []
  const reasoningBlocks: BedrockReasoningBlock['reasoningContent'][] = []
  for (const block of content) {
    if (typeof block?.text === 'string') text += block.text
    else if (block?.toolUse !== undefined) {
      toolCalls.push({
        id: block.toolUse.toolUseId ?? '',
        type: 'function',
        function: { name: block.toolUse.name ?? '', arguments: JSON.stringify(block.toolUse.input ?? {}) },
      })
    } else if (block?.reasoningContent !== undefined) {
      reasoningBlocks.push(block.reasoningContent)
      reasoning += block.reasoningContent.reasoningText?.text ?? ''
    }
  }
  if (toolCalls.length > 0) toolCalls[0] = withBedrockReasoning(toolCalls[0]!, reasoningBlocks)
  return createChatCompletion({
    id: context.requestId ?? '',
    created: Math.floor(Date.now() / 1000),
    model: context.model,
    text,
    reasoning,
    toolCalls,
    finishReason: mapBedrockStopReason(response?.stopReason) ?? 'stop',
    usage: response?.usage ? mapBedrockUsage(response.usage) : undefined,
  })
}
