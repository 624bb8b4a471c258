import { describe, expect, it } from 'vitest'
import type { ChatCompletionChunk } from '../types/chat.js'
import { assembleChatCompletion } from './chat-completion-assembler.js'

const chunk = (over: Partial<ChatCompletionChunk> & { delta?: Record<string, unknown>; finish?: string }) =>
  ({
    id: over.id ?? 'c1',
    object: 'chat.completion.chunk',
    created: 1,
    model: over.model ?? 'm',
    choices: over.choices ?? [
      { index: 0, delta: over.delta ?? {}, finish_reason: (over.finish ?? null) as never },
    ],
    usage: over.usage ?? null,
  }) as ChatCompletionChunk

describe('assembleChatCompletion', () => {
  it('joins text, keeps last usage and finish, reads usage from a choices: [] chunk', () => {
    const result = assembleChatCompletion([
      chunk({ delta: { role: 'assistant', content: '' } }),
      chunk({ delta: { content: 'Hel' } }),
      chunk({ delta: { content: 'lo' }, finish: 'stop' }),
      chunk({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }),
    ])
    expect(result.choices[0]?.message.content).toBe('Hello')
    expect(result.choices[0]?.finish_reason).toBe('stop')
    expect(result.usage?.total_tokens).toBe(3)
  })

  it('ignores an empty first id and model (Azure) and keeps reasoning', () => {
    const result = assembleChatCompletion([
      chunk({ id: '', model: '', choices: [] }),
      chunk({ id: 'real', model: 'gpt', delta: { reasoning_content: 'think' } }),
    ])
    expect(result.id).toBe('real')
    expect(result.model).toBe('gpt')
    expect(result.choices[0]?.message.reasoning).toBe('think')
    expect(result.choices[0]?.message.content).toBeNull()
  })

  it('groups by index, tolerates index 1 first, empty-id continuations and missing indexes', () => {
    const result = assembleChatCompletion([
      chunk({
        delta: {
          tool_calls: [{ index: 1, id: 'a', type: 'function', function: { name: 'f', arguments: '' } }],
        },
      }),
      chunk({ delta: { tool_calls: [{ index: 1, id: '', function: { name: '', arguments: '{"x"' } }] } }),
      chunk({ delta: { tool_calls: [{ id: 'b', function: { name: 'g', arguments: '{}' } }] } }),
      chunk({ delta: { tool_calls: [{ index: 1, function: { arguments: ':1}' } }] }, finish: 'tool_calls' }),
    ])
    expect(result.choices[0]?.message.tool_calls).toEqual([
      { id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
      { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } },
    ])
    expect(result.choices[0]?.finish_reason).toBe('tool_calls')
  })
})
