import { InvalidArgumentError } from '../../errors/errors.js'
import type { ChatCompletionMessageToolCall } from '../../types/chat.js'
import type { BedrockReasoningBlock } from './bedrock-api-types.js'

/**
 * Claude on Bedrock requires the reasoning blocks of a tool-use turn (text with its signature, or
 * redacted content) to come back unchanged with the tool results. They travel on the turn's first
 * tool call as `provider_metadata.bedrock.reasoningContent`, as Gemini's thought signatures do.
 * @example withBedrockReasoning(call, [{ reasoningText: { text: 'Let me think', signature: 'EqoB…' } }])
 */
export function withBedrockReasoning(
  call: ChatCompletionMessageToolCall,
  reasoning: BedrockReasoningBlock['reasoningContent'][],
): ChatCompletionMessageToolCall {
  if (reasoning.length === 0) return call
  return {
    ...call,
    provider_metadata: { ...call.provider_metadata, bedrock: { reasoningContent: reasoning } },
  }
}

/**
 * The reasoning blocks an assistant message carries back (see `withBedrockReasoning`), checked:
 * they come from the caller, so a malformed one is an `InvalidArgumentError` naming the field.
 * @example readBedrockReasoning(message.tool_calls, 'messages[1]') // [{ reasoningContent: { reasoningText: { … } } }]
 */
export function readBedrockReasoning(
  calls: readonly ChatCompletionMessageToolCall[] | undefined,
  field: string,
): BedrockReasoningBlock[] {
  const blocks: BedrockReasoningBlock[] = []
  calls?.forEach((call, j) => {
    const given = (call?.provider_metadata?.bedrock as { reasoningContent?: unknown } | undefined)
      ?.reasoningContent
    if (given === undefined) return
    const where = `${field}.tool_calls[${j}].provider_metadata.bedrock.reasoningContent`
    if (!Array.isArray(given)) throw new InvalidArgumentError(`${where} must be an array`, { field: where })
    given.forEach((item: unknown, k) => {
      const block = item as BedrockReasoningBlock['reasoningContent'] | null
      const text = block?.reasoningText
      const valid =
        typeof block === 'object' &&
        block !== null &&
        (typeof block.redactedContent === 'string' ||
          (typeof text?.text === 'string' &&
            (text.signature === undefined || typeof text.signature === 'string')))
      if (!valid)
        throw new InvalidArgumentError(
          `${where}[${k}] must be { reasoningText: { text, signature } } or { redactedContent }`,
          {
            field: `${where}[${k}]`,
          },
        )
      blocks.push({ reasoningContent: block })
    })
  })
  return blocks
}
