import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionMessageToolCall,
  CompletionUsage,
  FinishReason,
  ThinkingBlock,
} from '../types/chat.js'
import { createToolCallIndexer, type ToolCallIndexer } from './tool-call-indexer.js'

interface ToolCallState {
  id: string
  name: string
  arguments: string[]
  metadata: Record<string, unknown> | undefined
}

interface ChoiceState {
  content: string[]
  refusal: string[]
  reasoning: string[]
  toolCalls: Map<number, ToolCallState>
  indexer: ToolCallIndexer
  finish: FinishReason | null
  nativeFinish: string | undefined
  logprobs: Record<string, unknown> | null
  annotations: unknown[] | undefined
  thinkingBlocks: ThinkingBlock[] | undefined
}

/**
 * Folds OpenAI chunks into one ChatCompletion, as they arrive.
 * @example
 * const assembler: ChatCompletionAssembler = createChatCompletionAssembler()
 * assembler.add(chunk)
 * assembler.result().choices[0].message
 */
export interface ChatCompletionAssembler {
  add(chunk: ChatCompletionChunk): void
  result(): ChatCompletion
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== ''

/**
 * The assembler every provider shares (others map to OpenAI chunks first). Rules (wire-formats §4):
 * tool calls keyed by index (missing index tolerated), an empty id or name never overwrites a set one,
 * usage and finish reason are the last non-null values, `reasoning`/`reasoning_content` go to
 * `message.reasoning`, and an empty first id/model (Azure) is not taken as the response's. As in
 * openai-node's ChatCompletionStream, logprobs and annotations are concatenated, not replaced.
 * @example
 * const assembler = createChatCompletionAssembler()
 * for await (const chunk of stream) assembler.add(chunk)
 * const completion = assembler.result()
 */
export function createChatCompletionAssembler(): ChatCompletionAssembler {
  let id = ''
  let model = ''
  let created = 0
  let systemFingerprint: string | null | undefined
  let serviceTier: string | null | undefined
  let usage: CompletionUsage | undefined
  const choices = new Map<number, ChoiceState>()

  const choiceAt = (index: number): ChoiceState => {
    let state = choices.get(index)
    if (state === undefined) {
      state = {
        content: [],
        refusal: [],
        reasoning: [],
        toolCalls: new Map(),
        indexer: createToolCallIndexer(),
        finish: null,
        nativeFinish: undefined,
        logprobs: null,
        annotations: undefined,
        thinkingBlocks: undefined,
      }
      choices.set(index, state)
    }
    return state
  }

  return {
    add(chunk) {
      if (id === '' && nonEmpty(chunk.id)) id = chunk.id
      if (model === '' && nonEmpty(chunk.model)) model = chunk.model
      if (created === 0 && typeof chunk.created === 'number') created = chunk.created
      if (nonEmpty(chunk.system_fingerprint)) systemFingerprint = chunk.system_fingerprint
      if (nonEmpty(chunk.service_tier)) serviceTier = chunk.service_tier
      if (chunk.usage != null) usage = chunk.usage
      // Index loops: no iterator nor entry array per chunk (this runs for every chunk of every stream).
      const chunkChoices = chunk.choices ?? []
      for (let position = 0; position < chunkChoices.length; position++) {
        const choice = chunkChoices[position]!
        const state = choiceAt(typeof choice.index === 'number' ? choice.index : position)
        const delta = (choice.delta ?? {}) as Record<string, unknown>
        if (nonEmpty(delta.content)) state.content.push(delta.content)
        if (nonEmpty(delta.refusal)) state.refusal.push(delta.refusal)
        if (nonEmpty(delta.reasoning)) state.reasoning.push(delta.reasoning)
        else if (nonEmpty(delta.reasoning_content)) state.reasoning.push(delta.reasoning_content)
        const toolCalls = delta.tool_calls
        if (Array.isArray(toolCalls))
          for (let callPosition = 0; callPosition < toolCalls.length; callPosition++)
            addToolCall(state, toolCalls[callPosition], callPosition)
        if (Array.isArray(delta.annotations))
          state.annotations = (state.annotations ?? []).concat(delta.annotations)
        if (Array.isArray(delta.thinking_blocks))
          state.thinkingBlocks = (state.thinkingBlocks ?? []).concat(delta.thinking_blocks as ThinkingBlock[])
        if (choice.finish_reason != null) state.finish = choice.finish_reason
        if (choice.native_finish_reason != null) state.nativeFinish = choice.native_finish_reason
        if (choice.logprobs != null) addLogprobs(state, choice.logprobs)
      }
    },
    result() {
      const out: ChatCompletion = {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [...choices.entries()]
          .sort(([a], [b]) => a - b)
          .map(([index, state]) => toChoice(index, state)),
      }
      if (usage !== undefined) out.usage = usage
      if (systemFingerprint !== undefined) out.system_fingerprint = systemFingerprint
      if (serviceTier !== undefined) out.service_tier = serviceTier
      return out
    },
  }
}

function addToolCall(state: ChoiceState, fragment: unknown, position: number): void {
  if (typeof fragment !== 'object' || fragment === null) return
  const {
    id,
    function: fn,
    provider_metadata,
  } = fragment as {
    id?: unknown
    function?: { name?: unknown; arguments?: unknown }
    provider_metadata?: Record<string, unknown>
  }
  const index = state.indexer.resolve(fragment as { index?: unknown; id?: unknown }, position)
  let call = state.toolCalls.get(index)
  if (call === undefined) {
    call = { id: '', name: '', arguments: [], metadata: undefined }
    state.toolCalls.set(index, call)
  }
  if (call.id === '' && nonEmpty(id)) call.id = id
  if (call.name === '' && nonEmpty(fn?.name)) call.name = fn.name
  if (nonEmpty(fn?.arguments)) call.arguments.push(fn.arguments)
  if (provider_metadata !== undefined) call.metadata = { ...call.metadata, ...provider_metadata }
}

/** Appends a list field's items, or sets a non-list value once. */
function appendList(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) return
  const current = target[key]
  if (Array.isArray(value)) target[key] = Array.isArray(current) ? current.concat(value) : [...value]
  else if (current === undefined) target[key] = value
}

/** As openai-node: per-token `content` and `refusal` lists are concatenated, other fields replaced. */
function addLogprobs(state: ChoiceState, logprobs: unknown): void {
  if (typeof logprobs !== 'object') return
  const { content, refusal, ...rest } = logprobs as Record<string, unknown>
  if (state.logprobs === null) state.logprobs = {}
  Object.assign(state.logprobs, rest)
  appendList(state.logprobs, 'content', content)
  appendList(state.logprobs, 'refusal', refusal)
}

function toChoice(index: number, state: ChoiceState): ChatCompletionChoice {
  const message: ChatCompletionChoice['message'] = {
    role: 'assistant',
    content: state.content.length > 0 ? state.content.join('') : null,
    refusal: state.refusal.length > 0 ? state.refusal.join('') : null,
  }
  if (state.toolCalls.size > 0) {
    message.tool_calls = [...state.toolCalls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => {
        const toolCall: ChatCompletionMessageToolCall = {
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments.join('') },
        }
        if (call.metadata !== undefined) toolCall.provider_metadata = call.metadata
        return toolCall
      })
  }
  if (state.reasoning.length > 0) message.reasoning = state.reasoning.join('')
  if (state.thinkingBlocks !== undefined) message.thinking_blocks = state.thinkingBlocks
  if (state.annotations !== undefined) message.annotations = state.annotations
  const choice: ChatCompletionChoice = {
    index,
    message,
    finish_reason: state.finish,
    logprobs: state.logprobs,
  }
  if (state.nativeFinish !== undefined) choice.native_finish_reason = state.nativeFinish
  return choice
}

/**
 * Assembles a whole list of chunks.
 * @example
 * const completion = assembleChatCompletion(chunks)
 */
export function assembleChatCompletion(chunks: Iterable<ChatCompletionChunk>): ChatCompletion {
  const assembler = createChatCompletionAssembler()
  for (const chunk of chunks) assembler.add(chunk)
  return assembler.result()
}
