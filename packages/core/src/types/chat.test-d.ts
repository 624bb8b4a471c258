import { describe, expectTypeOf, it } from 'vitest'
import type {
  AssistantMessage,
  ChatCompletionMessage,
  ChatMessage,
  FinishReason,
  ThinkingBlock,
} from './chat.js'

describe('round-trip types', () => {
  it('a returned message is an AssistantMessage: push it back as it is', () => {
    expectTypeOf<ChatCompletionMessage>().toExtend<AssistantMessage>()
    expectTypeOf<ChatCompletionMessage>().toExtend<ChatMessage>()
  })

  it('a thinking block needs its signature; a redacted one its data', () => {
    expectTypeOf<{ type: 'thinking'; thinking: string; signature: string }>().toExtend<ThinkingBlock>()
    expectTypeOf<{ type: 'thinking'; thinking: string }>().not.toExtend<ThinkingBlock>()
    // @ts-expect-error redacted_thinking carries data, not thinking
    const redacted: ThinkingBlock = { type: 'redacted_thinking', thinking: 'x' }
    void redacted
  })

  it('finish reasons keep the OpenAI values and accept a provider reason', () => {
    expectTypeOf<'tool_calls'>().toExtend<FinishReason>()
    expectTypeOf<'pause_turn'>().toExtend<FinishReason>()
    expectTypeOf<number>().not.toExtend<FinishReason>()
  })
})
