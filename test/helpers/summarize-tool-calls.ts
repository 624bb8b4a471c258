import type { ChatCompletionMessageToolCall } from '../../packages/core/src/types/chat.js'

/** A tool call as the fixture READMEs list it; shared so every fixture test compares the same fields. */
export interface ToolCallSummary {
  id: string
  name: string
  arguments: string
}

/** `{ id, name, arguments }` of each tool call; undefined stays undefined. */
export function summarizeToolCalls(
  calls: readonly ChatCompletionMessageToolCall[] | undefined,
): ToolCallSummary[] | undefined {
  return calls?.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }))
}
