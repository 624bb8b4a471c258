import type {
  ChatCompletion,
  ChatCompletionMessageToolCall,
  CompletionUsage,
  FinishReason,
  ThinkingBlock,
} from '../../types/chat.js'

/** The parts of a one-choice answer, already mapped to OpenAI terms. */
export interface ChatCompletionParts {
  id: string
  /** Unix seconds. */
  created: number
  model: string
  text: string
  /** Thinking text; `''` leaves `reasoning` out. */
  reasoning: string
  toolCalls: ChatCompletionMessageToolCall[]
  finishReason: FinishReason
  /** The provider's own reason as sent; left out when undefined. */
  nativeFinishReason?: string | undefined
  /** Anthropic thinking blocks, kept for the round trip; left out when empty. */
  thinkingBlocks?: ThinkingBlock[]
  /** Left out of the result when undefined. */
  usage: CompletionUsage | undefined
}

/**
 * Shared because every non-OpenAI provider answers with one choice that must look the same:
 * `content` null when the answer is only tool calls (as OpenAI does), `tool_calls` and
 * `reasoning` only when present, `refusal` and `logprobs` null.
 * @example createChatCompletion({ id: 'msg_1', created: 1700000000, model: 'm', text: 'Hi', reasoning: '', toolCalls: [], finishReason: 'stop', usage: undefined }).choices[0].message.content // 'Hi'
 */
export function createChatCompletion(parts: ChatCompletionParts): ChatCompletion {
  const { text, reasoning, toolCalls } = parts
  return {
    id: parts.id,
    object: 'chat.completion',
    created: parts.created,
    model: parts.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(reasoning === '' ? {} : { reasoning }),
          ...(parts.thinkingBlocks?.length ? { thinking_blocks: parts.thinkingBlocks } : {}),
        },
        finish_reason: parts.finishReason,
        ...(parts.nativeFinishReason ? { native_finish_reason: parts.nativeFinishReason } : {}),
        logprobs: null,
      },
    ],
    ...(parts.usage ? { usage: parts.usage } : {}),
  }
}
