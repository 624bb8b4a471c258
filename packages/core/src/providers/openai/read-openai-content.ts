/** The text and the reasoning of an OpenAI-family `content`, whatever its shape. */
export interface OpenAIContentParts {
  /** Null when the server sent no content at all. */
  text: string | null
  reasoning: string
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (!Array.isArray(value)) return ''
  let text = ''
  for (const part of value)
    if (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string')
      text += (part as { text: string }).text
  return text
}

/**
 * Reads `content` as a string, or as an array of typed chunks as Mistral's Magistral models send
 * (`{type:'thinking', thinking:[{type:'text', text}]}` then `{type:'text', text}`): text chunks
 * make the text, thinking chunks the reasoning. Other chunk types (images, references) are skipped.
 * @example
 * readOpenAIContent([{ type: 'thinking', thinking: [{ type: 'text', text: 'hm' }] }, { type: 'text', text: 'Hi' }])
 * // { text: 'Hi', reasoning: 'hm' }
 */
export function readOpenAIContent(content: unknown): OpenAIContentParts {
  if (typeof content === 'string') return { text: content, reasoning: '' }
  if (!Array.isArray(content)) return { text: null, reasoning: '' }
  let text: string | null = null
  let reasoning = ''
  for (const chunk of content) {
    if (typeof chunk !== 'object' || chunk === null) continue
    const {
      type,
      text: chunkText,
      thinking,
    } = chunk as { type?: unknown; text?: unknown; thinking?: unknown }
    if (type === 'text' && typeof chunkText === 'string') text = (text ?? '') + chunkText
    else if (type === 'thinking') reasoning += textOf(thinking)
  }
  return { text, reasoning }
}
