/**
 * The Bedrock Converse wire shapes we send and read, as JSON (the AWS SDK's
 * `@aws-sdk/client-bedrock-runtime` models, with blobs as base64 strings).
 */

export interface BedrockTextBlock {
  text: string
}

export interface BedrockImageBlock {
  image: { format: 'png' | 'jpeg' | 'gif' | 'webp'; source: { bytes: string } }
}

export interface BedrockToolUseBlock {
  toolUse: { toolUseId: string; name: string; input: Record<string, unknown> }
}

export interface BedrockToolResultBlock {
  toolResult: { toolUseId: string; content: BedrockTextBlock[]; status?: 'success' | 'error' }
}

export interface BedrockReasoningBlock {
  reasoningContent: {
    reasoningText?: { text?: string; signature?: string }
    redactedContent?: string
  }
}

export type BedrockContentBlock =
  | BedrockTextBlock
  | BedrockImageBlock
  | BedrockToolUseBlock
  | BedrockToolResultBlock
  | BedrockReasoningBlock

export interface BedrockMessage {
  role: 'user' | 'assistant'
  content: BedrockContentBlock[]
}

export interface BedrockToolConfig {
  tools: Array<{
    toolSpec: { name: string; description?: string; inputSchema: { json: Record<string, unknown> } }
  }>
  toolChoice?: { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } }
}

export interface BedrockConverseRequest {
  messages: BedrockMessage[]
  system?: BedrockTextBlock[]
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] }
  toolConfig?: BedrockToolConfig
  additionalModelRequestFields?: Record<string, unknown>
  [field: string]: unknown
}

/** `TokenUsage`. */
export interface BedrockUsage {
  inputTokens?: number
  outputTokens?: number
  totalTokens?: number
  cacheReadInputTokens?: number
  cacheWriteInputTokens?: number
}

/** A content block as the response has it: any one member set. */
export interface BedrockResponseBlock {
  text?: string
  toolUse?: { toolUseId?: string; name?: string; input?: unknown }
  reasoningContent?: BedrockReasoningBlock['reasoningContent']
}

export interface BedrockConverseResponse {
  output?: { message?: { role?: string; content?: BedrockResponseBlock[] } }
  stopReason?: string
  usage?: BedrockUsage
  metrics?: { latencyMs?: number }
}

/** The payload of one ConverseStream event, by event type. */
export interface BedrockStreamPayload {
  role?: string
  contentBlockIndex?: number
  start?: { toolUse?: { toolUseId?: string; name?: string } }
  delta?: {
    text?: string
    toolUse?: { input?: string }
    reasoningContent?: { text?: string; signature?: string; redactedContent?: string }
  }
  stopReason?: string
  usage?: BedrockUsage
  message?: string
}
