import { describe, expect, it } from 'vitest'
import { parseDataUrl } from './parse-data-url.js'

describe('parseDataUrl', () => {
  it('splits a base64 data URL into media type and payload', () => {
    expect(parseDataUrl('data:image/png;base64,iVBO\nRw0=')).toEqual({
      mediaType: 'image/png',
      data: 'iVBO\nRw0=',
    })
  })

  it.each(['https://example.com/a.png', 'data:image/png,abc', 'data:;base64,abc'])(
    'returns undefined for %s',
    (url) => {
      expect(parseDataUrl(url)).toBeUndefined()
    },
  )
})
