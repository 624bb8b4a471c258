import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigurationError } from '../../errors/errors.js'
import { mapLlmErrorToHttp } from '../../errors/map-llm-error-to-http.js'
import type { ProviderCallContext } from '../provider.js'
import { resolveVertexAccessToken } from './vertex-access-token.js'

// The file lives under the repository's test-results/ (ignored by git), written and removed here.
const dir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'test-results', `vertex-${process.pid}`)
const context = { provider: 'vertex', settings: {}, send: () => Promise.reject(new Error('no I/O here')) }

describe('GOOGLE_APPLICATION_CREDENTIALS', () => {
  it('is read once: the same file gone later still serves, from the cache beside its token', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const file = join(dir, 'service-account.json')
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      file,
      JSON.stringify({
        type: 'service_account',
        client_email: 'cached@planted.iam.gserviceaccount.com',
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    )
    const env = { GOOGLE_APPLICATION_CREDENTIALS: file }
    expect(typeof resolveVertexAccessToken(context as unknown as ProviderCallContext, env)).toBe('function')
    rmSync(dir, { recursive: true, force: true })
    // Had it been read again, this call would fail: the file no longer exists.
    expect(typeof resolveVertexAccessToken(context as unknown as ProviderCallContext, env)).toBe('function')
  })

  it('an unreadable file is a ConfigurationError: a generic 500 to the caller, the path only in the error', () => {
    const file = join(dir, 'missing', 'nope.json')
    let error: unknown
    try {
      resolveVertexAccessToken(context as unknown as ProviderCallContext, {
        GOOGLE_APPLICATION_CREDENTIALS: file,
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toContain(file)
    const mapped = mapLlmErrorToHttp(error)
    expect(mapped?.status).toBe(500)
    expect(JSON.stringify(mapped)).not.toContain('nope.json')
    expect(JSON.stringify(mapped)).not.toContain('GOOGLE_APPLICATION_CREDENTIALS')
  })
})
