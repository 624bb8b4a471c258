import { InvalidArgumentError } from '../../errors/errors.js'
import type { CompletionRequest } from '../../types/request.js'
import { readFunctionTools } from '../shared/read-function-tools.js'
import type { BedrockConverseRequest, BedrockToolConfig } from './bedrock-api-types.js'
import { convertToBedrockMessages } from './convert-to-bedrock-messages.js'

/** Converse request fields that `extraBody` may set at the top level; anything else is the model's. */
const converseFields = new Set([
  'additionalModelRequestFields',
  'additionalModelResponseFieldPaths',
  'guardrailConfig',
  'performanceConfig',
  'promptVariables',
  'requestMetadata',
  'serviceTier',
  'outputConfig',
])

/**
 * Builds the Converse / ConverseStream body from an OpenAI-shaped request. Validates before any
 * I/O. `extraBody` keys that are Converse fields (`guardrailConfig`, `performanceConfig`, …) go to
 * the top level; every other key is a model field and goes to `additionalModelRequestFields`
 * (e.g. `{ thinking: { type: 'enabled', budget_tokens: 1024 } }` or `top_k` for Claude).
 * @example createBedrockRequestBody({ model: 'bedrock/amazon.nova-lite-v1:0', messages, max_tokens: 100 })
 */
export function createBedrockRequestBody(request: CompletionRequest): BedrockConverseRequest {
  if (!Array.isArray(request.messages)) {
    throw new InvalidArgumentError('messages must be an array', { field: 'messages' })
  }
  if (request.response_format !== undefined && request.response_format.type !== 'text') {
    throw new InvalidArgumentError(
      'response_format is not supported by the bedrock provider; describe the format in the prompt or pass outputConfig in extraBody',
      { field: 'response_format' },
    )
  }
  const { system, messages } = convertToBedrockMessages(request.messages)
  const body: BedrockConverseRequest = { messages }
  if (system !== undefined) body.system = system
  const inferenceConfig: NonNullable<BedrockConverseRequest['inferenceConfig']> = {}
  const maxTokens = request.max_completion_tokens ?? request.max_tokens
  if (maxTokens !== undefined) inferenceConfig.maxTokens = maxTokens
  if (request.temperature !== undefined) inferenceConfig.temperature = request.temperature
  if (request.top_p !== undefined) inferenceConfig.topP = request.top_p
  if (request.stop !== undefined)
    inferenceConfig.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop
  if (Object.keys(inferenceConfig).length > 0) body.inferenceConfig = inferenceConfig
  const toolConfig = prepareBedrockToolConfig(request)
  if (toolConfig !== undefined) body.toolConfig = toolConfig
  const modelFields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(request.extraBody ?? {})) {
    if (key === 'additionalModelRequestFields') {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new InvalidArgumentError('extraBody.additionalModelRequestFields must be an object', {
          field: 'extraBody.additionalModelRequestFields',
        })
      Object.assign(modelFields, value)
    } else if (converseFields.has(key)) body[key] = value
    else modelFields[key] = value
  }
  if (Object.keys(modelFields).length > 0) body.additionalModelRequestFields = modelFields
  return body
}

/**
 * Maps OpenAI `tools` and `tool_choice` to a Converse `toolConfig` (`required` → `any`, a named
 * function → `tool`). Converse has no "none": `tool_choice: 'none'` sends no tools.
 * @example prepareBedrockToolConfig({ model: 'bedrock/x', messages: [], tools, tool_choice: 'required' })
 */
export function prepareBedrockToolConfig(request: CompletionRequest): BedrockToolConfig | undefined {
  if (request.tools === undefined || request.tools.length === 0) return undefined
  const tools = readFunctionTools(request.tools).map((tool) => ({
    toolSpec: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      inputSchema: { json: tool.parameters ?? { type: 'object', properties: {} } },
    },
  }))
  const choice = request.tool_choice
  if (choice === undefined) return { tools }
  if (choice === 'none') return undefined
  if (choice === 'auto') return { tools, toolChoice: { auto: {} } }
  if (choice === 'required') return { tools, toolChoice: { any: {} } }
  if (typeof choice === 'object' && choice !== null && typeof choice.function?.name === 'string')
    return { tools, toolChoice: { tool: { name: choice.function.name } } }
  throw new InvalidArgumentError('tool_choice must be auto, required, none or a named function', {
    field: 'tool_choice',
  })
}
