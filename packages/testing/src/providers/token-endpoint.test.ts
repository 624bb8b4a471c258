import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MockProvider, startMockProvider } from '../mock-provider/start-mock-provider.js'

const clientEmail = 'tester@project.iam.gserviceaccount.com'
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 })

function createJwt(privateKey: KeyObject, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKey).toString('base64url')}`
}

describe('token endpoint and Vertex routes', () => {
  let mock: MockProvider
  const now = () => Math.floor(Date.now() / 1000)
  const claims = () => ({
    iss: clientEmail,
    scope: 'https://www.googleapis.com/auth/cloud-platform',
    aud: `${mock.url}/token`,
    iat: now(),
    exp: now() + 3600,
  })
  const exchange = (assertion: string) =>
    fetch(`${mock.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
    })
  const vertex = (token: string | undefined, action = 'generateContent') =>
    fetch(
      `${mock.url}/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:${action}?alt=sse`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi vertex' }] }] }),
      },
    )

  beforeAll(async () => {
    mock = await startMockProvider({ tokenExpiresInSeconds: 120 })
    mock.registerServiceAccount({
      clientEmail,
      publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    })
  })
  afterAll(() => mock.close())

  it('issues an access token for a correctly signed JWT, which Vertex routes accept', async () => {
    const response = await exchange(createJwt(keys.privateKey, claims()))
    expect(response.status).toBe(200)
    const token = (await response.json()) as { access_token: string; expires_in: number; token_type: string }
    expect(token).toEqual({
      access_token: expect.stringMatching(/^ya29\./),
      expires_in: 120,
      token_type: 'Bearer',
    })
    expect(mock.stats()).toMatchObject({ tokenRequests: 1, tokensIssued: 1 })
    expect(JSON.stringify(mock.requests())).not.toContain(token.access_token)

    const answer = await vertex(token.access_token)
    expect(answer.status).toBe(200)
    expect(await answer.json()).toMatchObject({
      candidates: [{ content: { parts: [{ text: 'hi vertex' }] } }],
    })
    const stream = await vertex(token.access_token, 'streamGenerateContent')
    expect(await stream.text()).toContain('\r\n\r\n')
    expect(mock.lastRequest()?.route).toBe('vertex.streamGenerateContent')

    mock.expireAccessTokens()
    const expired = await vertex(token.access_token)
    expect(expired.status).toBe(401)
    expect(await expired.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } })
  })

  it('rejects a wrong signature, an expired JWT, an unknown account and a wrong grant type', async () => {
    const cases: [string, string][] = [
      [createJwt(otherKeys.privateKey, claims()), 'Invalid JWT Signature.'],
      [
        createJwt(keys.privateKey, { ...claims(), iat: now() - 7200, exp: now() - 3600 }),
        'Invalid JWT: Token must be',
      ],
      [createJwt(keys.privateKey, { ...claims(), iss: 'someone@else' }), 'account not found'],
      [createJwt(keys.privateKey, { ...claims(), aud: 'https://example.com/elsewhere' }), 'audience'],
      ['not.a.jwt', 'Invalid JWT'],
    ]
    for (const [assertion, description] of cases) {
      const response = await exchange(assertion)
      expect(response.status).toBe(400)
      const body = (await response.json()) as { error: string; error_description: string }
      expect(body.error).toBe('invalid_grant')
      expect(body.error_description).toContain(description)
    }
    const wrongGrant = await fetch(`${mock.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password',
    })
    expect(await wrongGrant.json()).toMatchObject({ error: 'unsupported_grant_type' })
    expect(mock.stats().tokensIssued).toBe(1)
    expect((await vertex(undefined)).status).toBe(401)
    expect((await vertex('ya29.made-up')).status).toBe(401)
  })

  it('accepts tokens from issueAccessToken() and refuses bad service accounts', async () => {
    expect((await vertex(mock.issueAccessToken())).status).toBe(200)
    expect(() => mock.registerServiceAccount({ clientEmail: '', publicKey: '' })).toThrow(
      expect.objectContaining({ field: 'clientEmail' }),
    )
    expect(() => mock.registerServiceAccount({ clientEmail, publicKey: 'nope' })).toThrow(
      expect.objectContaining({ field: 'publicKey' }),
    )
  })
})
