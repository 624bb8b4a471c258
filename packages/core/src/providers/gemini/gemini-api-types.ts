/** Gemini (Developer API and Vertex AI) generateContent wire types: only the fields we use. */

export interface GeminiFunctionCall {
  name: string
  args?: Record<string, unknown>
  id?: string
}

export interface GeminiPart {
  text?: string
  thought?: boolean
  thoughtSignature?: string
  inlineData?: { mimeType: string; data: string }
  fileData?: { mimeType: string; fileUri: string }
  functionCall?: GeminiFunctionCall
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string }
}

export interface GeminiContent {
  role: 'user' | 'model'
  parts: GeminiPart[]
}

export interface GeminiFunctionDeclaration {
  name: string
  description?: string
  parametersJsonSchema?: Record<string, unknown>
}

export interface GeminiToolConfig {
  functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] }
}

export interface GeminiGenerationConfig {
  temperature?: number
  topP?: number
  maxOutputTokens?: number
  stopSequences?: string[]
  seed?: number
  responseMimeType?: string
  responseJsonSchema?: Record<string, unknown>
}

export interface GeminiGenerateContentRequest {
  contents: GeminiContent[]
  systemInstruction?: { parts: Array<{ text: string }> }
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>
  toolConfig?: GeminiToolConfig
  generationConfig?: GeminiGenerationConfig
  [key: string]: unknown
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number
  candidatesTokenCount?: number
  thoughtsTokenCount?: number
  totalTokenCount?: number
  cachedContentTokenCount?: number
  toolUsePromptTokenCount?: number
}

export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] }
  finishReason?: string
  index?: number
}

export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[]
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string }
  usageMetadata?: GeminiUsageMetadata
  modelVersion?: string
  responseId?: string
  error?: GeminiErrorFields
}

export interface GeminiErrorFields {
  code?: number
  message?: string
  status?: string
  details?: Array<{ '@type'?: string; reason?: string; retryDelay?: string; [key: string]: unknown }>
}

export interface GeminiEmbedContentRequest {
  content: { parts: Array<{ text: string }> }
  model?: string
  outputDimensionality?: number
}
