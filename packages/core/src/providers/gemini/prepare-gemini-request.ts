import { InvalidArgumentError } from '../../errors/errors.js'
import type { CompletionRequest } from '../../types/request.js'
import { readFunctionTools } from '../shared/read-function-tools.js'
import { convertToGeminiMessages } from './convert-to-gemini-messages.js'
import type {
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiToolConfig,
} from './gemini-api-types.js'

/**
 * Builds a generateContent body from an OpenAI-shaped request (Gemini Developer API and Vertex AI
 * share it): contents, systemInstruction, functionDeclarations with `parametersJsonSchema`,
 * toolConfig and generationConfig. Validates before any I/O.
 * @example createGeminiRequestBody({ model: 'gemini/gemini-2.5-flash', messages, temperature: 0 })
 */
export function createGeminiRequestBody(request: CompletionRequest): GeminiGenerateContentRequest {
  if (!Array.isArray(request.messages)) {
    throw new InvalidArgumentError('messages must be an array', { field: 'messages' })
  }
  const { systemInstruction, contents } = convertToGeminiMessages(request.messages)
  const body: GeminiGenerateContentRequest = { contents }
  if (systemInstruction !== undefined) body.systemInstruction = systemInstruction
  if (request.tools !== undefined && request.tools.length > 0) {
    const functionDeclarations = readFunctionTools(request.tools).map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      ...(tool.parameters === undefined ? {} : { parametersJsonSchema: tool.parameters }),
    }))
    body.tools = [{ functionDeclarations }]
    const toolConfig = mapToolChoice(request.tool_choice)
    if (toolConfig !== undefined) body.toolConfig = toolConfig
  }
  const config: GeminiGenerationConfig = {}
  if (request.temperature !== undefined) config.temperature = request.temperature
  if (request.top_p !== undefined) config.topP = request.top_p
  const maxTokens = request.max_completion_tokens ?? request.max_tokens
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens
  if (request.stop !== undefined)
    config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop
  if (request.seed !== undefined) config.seed = request.seed
  const format = request.response_format
  if (format?.type === 'json_object' || format?.type === 'json_schema')
    config.responseMimeType = 'application/json'
  if (format?.type === 'json_schema' && format.json_schema?.schema !== undefined) {
    config.responseJsonSchema = format.json_schema.schema
  }
  if (Object.keys(config).length > 0) body.generationConfig = config
  return { ...body, ...request.extraBody }
}

function mapToolChoice(choice: CompletionRequest['tool_choice']): GeminiToolConfig | undefined {
  if (choice === undefined) return undefined
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } }
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } }
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } }
  if (typeof choice === 'object' && choice !== null && typeof choice.function?.name === 'string') {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } }
  }
  throw new InvalidArgumentError('tool_choice must be auto, required, none or a named function', {
    field: 'tool_choice',
  })
}
