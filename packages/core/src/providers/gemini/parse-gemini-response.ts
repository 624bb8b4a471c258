import { randomUUID } from 'node:crypto'
import { ContentPolicyViolationError, ResponseParseError } from '../../errors/errors.js'
import type { ChatCompletion, ChatCompletionMessageToolCall } from '../../types/chat.js'
import type { ProviderResponseContext } from '../provider.js'
import { createChatCompletion } from '../shared/create-chat-completion.js'
import type { GeminiGenerateContentResponse, GeminiPart } from './gemini-api-types.js'
import { parseGeminiError } from './gemini-error.js'
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js'
import { mapGeminiUsage } from './map-gemini-usage.js'

export interface GeminiMappedParts {
  text: string
  reasoning: string
  toolCalls: ChatCompletionMessageToolCall[]
}

/**
 * Splits Gemini parts into answer text, thought text and OpenAI tool calls. A call keeps the
 * part's `id`, or gets `call_<n>` (n counts calls in the whole response, from `firstToolIndex`);
 * its `thoughtSignature` travels in `provider_metadata.gemini` so it can be echoed back.
 * @example mapGeminiParts([{ functionCall: { name: 'f', args: {} } }], 0).toolCalls[0].id // 'call_0'
 */
export function mapGeminiParts(parts: readonly GeminiPart[], firstToolIndex: number): GeminiMappedParts {
  const mapped: GeminiMappedParts = { text: '', reasoning: '', toolCalls: [] }
  for (const part of parts) {
    if (part.functionCall !== undefined) {
      const call: ChatCompletionMessageToolCall = {
        id: part.functionCall.id || `call_${firstToolIndex + mapped.toolCalls.length}`,
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      }
      if (part.thoughtSignature !== undefined) {
        call.provider_metadata = { gemini: { thoughtSignature: part.thoughtSignature } }
      }
      mapped.toolCalls.push(call)
    } else if (typeof part.text === 'string') {
      if (part.thought === true) mapped.reasoning += part.text
      else mapped.text += part.text
    }
  }
  return mapped
}

/**
 * Throws the error a 200 body can carry: an `{error}` object, or a prompt blocked by
 * `promptFeedback.blockReason` without candidates (→ ContentPolicyViolationError).
 */
export function throwIfGeminiFailed(
  response: GeminiGenerateContentResponse,
  context: ProviderResponseContext,
): void {
  if (typeof response.error === 'object' && response.error !== null) {
    throw parseGeminiError(
      { status: 200, headers: context.headers, body: response },
      { provider: context.provider, requestId: context.requestId },
    )
  }
  const blockReason = response.promptFeedback?.blockReason
  if (blockReason !== undefined && (response.candidates?.length ?? 0) === 0) {
    throw new ContentPolicyViolationError(
      response.promptFeedback?.blockReasonMessage ??
        `${context.provider} blocked the prompt (${blockReason})`,
      {
        provider: context.provider,
        requestId: context.requestId,
        type: 'prompt_blocked',
        providerCode: blockReason,
        body: response,
      },
    )
  }
}

/**
 * Maps a generateContent response to a ChatCompletion (first candidate).
 * @example parseGeminiResponse(body, context).choices[0].finish_reason
 */
export function parseGeminiResponse(body: unknown, context: ProviderResponseContext): ChatCompletion {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ResponseParseError(`${context.provider} response is not a JSON object`, {
      provider: context.provider,
      requestId: context.requestId,
      body,
    })
  }
  const response = body as GeminiGenerateContentResponse
  throwIfGeminiFailed(response, context)
  // A 2xx without a candidate (`{}`) is no answer, not an empty one.
  if (!Array.isArray(response.candidates) || response.candidates.length === 0)
    throw new ResponseParseError(`${context.provider} response has no candidates`, {
      provider: context.provider,
      requestId: context.requestId,
    })
  const candidate = response.candidates[0]
  const { text, reasoning, toolCalls } = mapGeminiParts(candidate?.content?.parts ?? [], 0)
  return createChatCompletion({
    id: response.responseId ?? `chatcmpl-${randomUUID()}`,
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? context.model,
    text,
    reasoning,
    toolCalls,
    finishReason: mapGeminiFinishReason(candidate?.finishReason, toolCalls.length > 0) ?? 'stop',
    nativeFinishReason: candidate?.finishReason,
    usage: response.usageMetadata ? mapGeminiUsage(response.usageMetadata) : undefined,
  })
}
