const dataUrlPattern = /^data:([^;,]+);base64,(.*)$/s

/** A base64 `data:` URL split into its media type and payload. */
export interface DataUrl {
  mediaType: string
  data: string
}

/**
 * Shared because every provider that takes inline images wants the media type and the base64
 * payload of an OpenAI `image_url` apart; `undefined` when `url` is not a base64 data URL.
 * @example parseDataUrl('data:image/png;base64,iVBO') // { mediaType: 'image/png', data: 'iVBO' }
 */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = dataUrlPattern.exec(url)
  return match ? { mediaType: match[1]!, data: match[2]! } : undefined
}
