import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { ProviderCallContext } from '../provider.js'
import {
  AWS_CREDENTIALS_REFRESH_WINDOW_MS,
  type AwsCredentials,
  resolveAwsCredentials,
} from './bedrock-credentials.js'
import { authenticateBedrockRequest } from './sign-bedrock-request.js'

const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

function context(settings: Record<string, unknown>, apiKey?: string): ProviderCallContext {
  return {
    provider: 'bedrock',
    model: 'm',
    apiKey,
    baseUrl: 'https://bedrock-runtime.eu-west-1.amazonaws.com',
    headers: {},
    settings,
    send: () => Promise.reject(new Error('no side requests')),
    signal: new AbortController().signal,
  }
}

const request = {
  url: 'https://bedrock-runtime.eu-west-1.amazonaws.com/model/m/converse',
  headers: { 'content-type': 'application/json' },
  body: '{"messages":[]}',
}

describe('resolveAwsCredentials', () => {
  it('fetches once for many concurrent callers while the credentials are fresh', async () => {
    let calls = 0
    const expiresIn = 60 * 60 * 1000
    const provider = async (): Promise<AwsCredentials> => {
      calls++
      await new Promise((resolve) => setImmediate(resolve))
      return {
        accessKeyId: `AKID${calls}`,
        secretAccessKey: secret,
        sessionToken: 'token',
        expiration: new Date(Date.now() + expiresIn),
      }
    }
    const get = resolveAwsCredentials(provider, {}, 'bedrock')!
    const results = await Promise.all(Array.from({ length: 50 }, () => get()))
    expect(calls).toBe(1)
    expect(new Set(results.map((credentials) => credentials.accessKeyId))).toEqual(new Set(['AKID1']))
    // The same function passed again (another client) shares the cache.
    await resolveAwsCredentials(provider, {}, 'bedrock')!()
    expect(calls).toBe(1)
  })

  it('refreshes credentials that expire within 5 minutes, single-flight', async () => {
    let calls = 0
    const provider = async (): Promise<AwsCredentials> => {
      calls++
      await new Promise((resolve) => setImmediate(resolve))
      return {
        accessKeyId: `AKID${calls}`,
        secretAccessKey: secret,
        // Inside the refresh window from the start: the next get() wants new credentials.
        expiration: new Date(Date.now() + AWS_CREDENTIALS_REFRESH_WINDOW_MS - 1000),
      }
    }
    const get = resolveAwsCredentials(provider, {}, 'bedrock')!
    await get()
    const again = await Promise.all(Array.from({ length: 30 }, () => get()))
    expect(calls).toBe(2)
    expect(again.every((credentials) => credentials.accessKeyId === 'AKID2')).toBe(true)
  })

  it('reads the environment, and refuses malformed credentials without echoing them', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: 'tok' }
    expect(await resolveAwsCredentials(undefined, env, 'bedrock')!()).toEqual({
      accessKeyId: 'AKIDENV',
      secretAccessKey: secret,
      sessionToken: 'tok',
    })
    expect(resolveAwsCredentials(undefined, {}, 'bedrock')).toBeUndefined()
    let thrown: unknown
    try {
      resolveAwsCredentials({ accessKeyId: '', secretAccessKey: secret }, {}, 'bedrock')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ name: 'InvalidArgumentError', field: 'providers.bedrock.credentials' })
    expect(inspect(thrown)).not.toContain(secret)
  })

  it('a failing provider is an AuthenticationError naming the failure, fetched again next time', async () => {
    let calls = 0
    const get = resolveAwsCredentials(
      () => {
        calls++
        throw new Error('Could not load credentials from any providers')
      },
      {},
      'bedrock',
    )!
    await expect(get()).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringContaining('any providers'),
    })
    await expect(get()).rejects.toThrow()
    expect(calls).toBe(2)
  })
})

describe('authenticateBedrockRequest', () => {
  it('signs with SigV4: scope, signed headers, session token; the secret is never in the request', async () => {
    const signed = await authenticateBedrockRequest(
      context({
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secret, sessionToken: 'session-tok' },
      }),
      'eu-west-1',
      request,
    )
    const authorization = signed.headers.authorization!
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    )
    expect(signed.headers.host).toBe('bedrock-runtime.eu-west-1.amazonaws.com')
    expect(signed.headers['x-amz-security-token']).toBe('session-tok')
    expect(JSON.stringify(signed)).not.toContain(secret)
  })

  it("a caller's own Authorization or X-Amz-Date header does not survive next to the signature", async () => {
    const signed = await authenticateBedrockRequest(
      context({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secret } }),
      'eu-west-1',
      {
        ...request,
        headers: { ...request.headers, Authorization: 'Bearer mine', 'X-Amz-Date': '2001', 'X-Tenant': 't1' },
      },
    )
    expect(Object.keys(signed.headers).sort()).toEqual([
      'authorization',
      'content-type',
      'host',
      'x-amz-date',
      'x-tenant',
    ])
    expect(signed.headers.authorization).toMatch(/SignedHeaders=content-type;host;x-amz-date;x-tenant,/)
  })

  it('an API key is a bearer token, unless credentials are given explicitly', async () => {
    const bearer = await authenticateBedrockRequest(context({}, 'ABSKbedrockkey'), 'eu-west-1', request, {})
    expect(bearer.headers.authorization).toBe('Bearer ABSKbedrockkey')
    const explicit = await authenticateBedrockRequest(
      context({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secret } }, 'ABSKbedrockkey'),
      'eu-west-1',
      request,
    )
    expect(explicit.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /)
  })

  it('without credentials or a region: InvalidArgumentError before the credentials provider runs', async () => {
    await expect(authenticateBedrockRequest(context({}), 'eu-west-1', request, {})).rejects.toMatchObject({
      field: 'providers.bedrock.credentials',
    })
    let called = false
    const provider = () => {
      called = true
      return { accessKeyId: 'A', secretAccessKey: secret }
    }
    const loopback = { ...request, url: 'http://127.0.0.1:9/model/m/converse' }
    await expect(
      authenticateBedrockRequest(context({ credentials: provider }), undefined, loopback),
    ).rejects.toMatchObject({
      field: 'providers.bedrock.region',
    })
    expect(called).toBe(false)
    // The regional endpoint names its region.
    const fromHost = await authenticateBedrockRequest(context({ credentials: provider }), undefined, request)
    expect(fromHost.headers.authorization).toContain('/eu-west-1/bedrock/aws4_request')
  })
})
