import { ResponseParseError } from '../../errors/errors.js'
import type { ChatCompletion, ChatCompletionChoice, ChatCompletionMessage } from '../../types/chat.js'
import type { ProviderResponseContext } from '../provider.js'
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js'
import { createOpenAIError } from './openai-error.js'
import { readOpenAIContent } from './read-openai-content.js'

function parseError(provider: string, message: string, requestId: string | undefined): ResponseParseError {
  return new ResponseParseError(`${provider} ${message}`, { provider, requestId })
}

function parseMessage(message: Record<string, unknown>): ChatCompletionMessage {
  const content = readOpenAIContent(message.content)
  const out: ChatCompletionMessage = {
    role: 'assistant',
    content: content.text,
    refusal: typeof message.refusal === 'string' ? message.refusal : null,
  }
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0)
    out.tool_calls = message.tool_calls.map((call: Record<string, unknown>) => {
      const fn = (call?.function ?? {}) as { name?: unknown; arguments?: unknown }
      return {
        id: typeof call?.id === 'string' ? call.id : '',
        type: 'function' as const,
        function: {
          name: typeof fn.name === 'string' ? fn.name : '',
          arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}),
        },
      }
    })
  const reasoning = message.reasoning ?? message.reasoning_content
  if (typeof reasoning === 'string' && reasoning !== '') out.reasoning = reasoning
  else if (content.reasoning !== '') out.reasoning = content.reasoning
  if (Array.isArray(message.annotations)) out.annotations = message.annotations
  return out
}

/**
 * Maps a Chat Completions body from any OpenAI-family server: content may be Mistral's typed
 * chunks, reasoning may be `reasoning` or `reasoning_content`, and the raw finish reason is kept
 * in `native_finish_reason` (OpenRouter's own field wins when it sends one).
 * @example
 * parseOpenAIResponse(body, context).choices[0].message.content
 */
export function parseOpenAIResponse(body: unknown, context: ProviderResponseContext): ChatCompletion {
  if (typeof body !== 'object' || body === null)
    throw parseError(context.provider, 'answered with a body that is not an object', context.requestId)
  const raw = body as Record<string, unknown>
  if (raw.error != null)
    throw createOpenAIError(raw, { provider: context.provider, requestId: context.requestId })
  if (!Array.isArray(raw.choices))
    throw parseError(context.provider, 'answered without a choices array', context.requestId)
  const choices = raw.choices.map((choice: Record<string, unknown>, position): ChatCompletionChoice => {
    const out: ChatCompletionChoice = {
      index: typeof choice?.index === 'number' ? choice.index : position,
      message: parseMessage((choice?.message ?? {}) as Record<string, unknown>),
      finish_reason: mapOpenAIFinishReason(choice?.finish_reason),
      logprobs: choice?.logprobs ?? null,
    }
    const native = choice?.native_finish_reason ?? choice?.finish_reason
    if (typeof native === 'string' && native !== '') out.native_finish_reason = native
    return out
  })
  const completion: ChatCompletion = {
    id: typeof raw.id === 'string' ? raw.id : '',
    object: 'chat.completion',
    created: typeof raw.created === 'number' ? raw.created : 0,
    model: typeof raw.model === 'string' && raw.model !== '' ? raw.model : context.model,
    choices,
  }
  if (typeof raw.usage === 'object' && raw.usage !== null)
    completion.usage = raw.usage as ChatCompletion['usage'] & object
  if (raw.system_fingerprint !== undefined)
    completion.system_fingerprint = raw.system_fingerprint as string | null
  if (raw.service_tier !== undefined) completion.service_tier = raw.service_tier as string | null
  return completion
}
