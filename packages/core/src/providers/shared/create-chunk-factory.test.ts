import { describe, expect, it } from 'vitest'
import { createChunkFactory } from './create-chunk-factory.js'

describe('createChunkFactory', () => {
  it('builds one-choice chunks from the identity as it is at each call', () => {
    const identity = { id: '', created: 1, model: 'requested' }
    const { chunk, usageChunk } = createChunkFactory(identity)
    expect(chunk({ role: 'assistant', content: '' })).toEqual({
      id: '',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'requested',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    })
    identity.id = 'msg_1'
    identity.model = 'served'
    expect(chunk({}, 'stop')).toMatchObject({
      id: 'msg_1',
      model: 'served',
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    })
    const usage = { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 }
    expect(usageChunk(usage)).toEqual({
      id: 'msg_1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'served',
      choices: [],
      usage,
    })
  })
})
