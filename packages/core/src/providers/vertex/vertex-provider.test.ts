import { describe, expect, it } from 'vitest'
import { getVertexModelUrl, VERTEX_DEFAULT_BASE_URL } from './vertex-provider.js'

describe('getVertexModelUrl', () => {
  const settings = {
    project: 'my-project',
    location: 'europe-west4',
    baseUrl: 'https://from-settings.test/v1',
  }

  it('uses the base URL the client resolved for the call (call before providers.vertex.baseUrl)', () => {
    const url = getVertexModelUrl({
      model: 'gemini-2.5-flash',
      settings,
      baseUrl: 'https://from-call.test/v1/',
    })
    expect(url).toBe(
      'https://from-call.test/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash',
    )
  })

  it('picks the regional host when no base URL was given', () => {
    const url = getVertexModelUrl({
      model: 'gemini-2.5-flash',
      settings: { project: 'my-project', location: 'europe-west4' },
      baseUrl: VERTEX_DEFAULT_BASE_URL,
    })
    expect(url.startsWith('https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/')).toBe(
      true,
    )
  })

  it('express mode (an API key, no project) uses the project-less publishers endpoint as @google/genai does', () => {
    const url = getVertexModelUrl(
      { model: 'gemini-2.5-flash', settings: {}, baseUrl: VERTEX_DEFAULT_BASE_URL, apiKey: 'key' },
      {},
    )
    expect(url).toBe('https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-2.5-flash')
    expect(() =>
      getVertexModelUrl({ model: 'm', settings: {}, baseUrl: VERTEX_DEFAULT_BASE_URL }, {}),
    ).toThrow('providers.vertex.project')
  })
})
