import { createPrivateKey, createSign, type KeyObject } from 'node:crypto'
import {
  AuthenticationError,
  InternalServerError,
  InvalidArgumentError,
  type ProviderError,
  RateLimitError,
  ResponseParseError,
  ServiceUnavailableError,
} from '../../errors/errors.js'
import type { ProviderHttpRequest, ProviderHttpResponse } from '../provider.js'

/** The fields of a Google service-account key file that we use. */
export interface ServiceAccountCredentials {
  type?: string
  client_email: string
  private_key: string
  private_key_id?: string
  token_uri?: string
  project_id?: string
}

export interface ServiceAccountTokenSourceOptions {
  credentials: ServiceAccountCredentials
  /** Refresh this many milliseconds before the token expires. Default 60 000. */
  refreshMarginMs?: number
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number
  /** Provider name for errors. Default `vertex`. */
  provider?: string
}

/** Sends one request through the caller's session (`ProviderCallContext.send`). */
export type SendRequest = (request: ProviderHttpRequest) => Promise<ProviderHttpResponse>

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform'
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token'
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url')

/**
 * Exchanges a service-account key for OAuth access tokens: an RS256 JWT signed with node:crypto
 * is posted to the key's own `token_uri` through the `send` it is given (the caller's session, so
 * no second HTTP client exists). The token is cached until `refreshMarginMs` before expiry, and a
 * refresh is single-flight: concurrent callers share one token request; if it fails, they all get
 * the error and the next call tries again. The private key never shows in inspect or JSON.
 */
export class ServiceAccountTokenSource {
  readonly clientEmail: string
  readonly tokenUri: string
  readonly #privateKey: KeyObject
  readonly #keyId: string | undefined
  readonly #refreshMarginMs: number
  readonly #now: () => number
  readonly #provider: string
  #token: { value: string; expiresAt: number } | undefined
  #pending: Promise<string> | undefined

  constructor(options: ServiceAccountTokenSourceOptions) {
    const { credentials } = options
    this.clientEmail = credentials.client_email
    this.tokenUri = credentials.token_uri ?? DEFAULT_TOKEN_URI
    this.#keyId = credentials.private_key_id
    this.#refreshMarginMs = options.refreshMarginMs ?? 60_000
    this.#now = options.now ?? Date.now
    this.#provider = options.provider ?? 'vertex'
    try {
      this.#privateKey = createPrivateKey(credentials.private_key)
    } catch {
      // No cause: the parser's error could quote the key material.
      throw new InvalidArgumentError('the service-account private_key is not a valid PEM private key', {
        field: 'credentials.private_key',
      })
    }
  }

  /** A valid access token, from the cache or from one shared refresh. */
  getAccessToken(send: SendRequest): Promise<string> {
    const token = this.#token
    if (token !== undefined && this.#now() < token.expiresAt - this.#refreshMarginMs)
      return Promise.resolve(token.value)
    this.#pending ??= this.#refresh(send).finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  /** The signed JWT assertion for the token request (exported for tests and diagnostics). */
  createAssertion(nowSeconds: number = Math.floor(this.#now() / 1000)): string {
    const header = { alg: 'RS256', typ: 'JWT', ...(this.#keyId ? { kid: this.#keyId } : {}) }
    const claims = {
      iss: this.clientEmail,
      scope: CLOUD_PLATFORM_SCOPE,
      aud: this.tokenUri,
      iat: nowSeconds,
      exp: nowSeconds + 3600,
    }
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
    const signature = createSign('RSA-SHA256').update(unsigned).sign(this.#privateKey)
    return `${unsigned}.${base64url(signature)}`
  }

  async #refresh(send: SendRequest): Promise<string> {
    const startedAt = this.#now()
    const body = new URLSearchParams({
      grant_type: JWT_BEARER_GRANT,
      assertion: this.createAssertion(),
    }).toString()
    const response = await send({
      method: 'POST',
      url: this.tokenUri,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    })
    const answer = response.body as { access_token?: unknown; expires_in?: unknown } | undefined
    if (response.status >= 400) throw this.#tokenError(response)
    if (typeof answer?.access_token !== 'string' || answer.access_token === '') {
      throw new ResponseParseError('the token endpoint answered without an access_token', {
        provider: this.#provider,
        status: response.status,
      })
    }
    const expiresIn =
      typeof answer.expires_in === 'number' ? answer.expires_in : Number(answer.expires_in ?? 3600)
    this.#token = { value: answer.access_token, expiresAt: startedAt + expiresIn * 1000 }
    return answer.access_token
  }

  #tokenError(response: ProviderHttpResponse): ProviderError {
    const body = response.body as { error?: unknown; error_description?: unknown } | undefined
    const code = typeof body?.error === 'string' ? body.error : undefined
    const description = typeof body?.error_description === 'string' ? body.error_description : undefined
    const message = `the service-account token exchange failed (HTTP ${response.status}${code ? ` ${code}` : ''})${description ? `: ${description}` : ''}`
    // Only the OAuth error fields are kept: never anything that could echo the assertion.
    const options = {
      provider: this.#provider,
      status: response.status,
      type: code,
      providerCode: code,
      body: { error: code, error_description: description },
    }
    if (response.status === 429) return new RateLimitError(message, options)
    if (response.status === 500) return new InternalServerError(message, options)
    if (response.status >= 500) return new ServiceUnavailableError(message, options)
    return new AuthenticationError(message, options)
  }

  toJSON(): { clientEmail: string; tokenUri: string } {
    return { clientEmail: this.clientEmail, tokenUri: this.tokenUri }
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ServiceAccountTokenSource { clientEmail: ${JSON.stringify(this.clientEmail)} }`
  }
}

/**
 * Creates a token source for a service-account key.
 * @example
 * const source = createServiceAccountTokenSource({ credentials: JSON.parse(keyFileText) })
 * const token = await source.getAccessToken(context.send)
 */
export function createServiceAccountTokenSource(
  options: ServiceAccountTokenSourceOptions,
): ServiceAccountTokenSource {
  return new ServiceAccountTokenSource(options)
}

/**
 * Reads a service-account key given as an object or a JSON string; never echoes its content.
 * @example parseServiceAccountCredentials(process.env.KEY_JSON, 'providers.vertex.credentials')
 */
export function parseServiceAccountCredentials(value: unknown, field: string): ServiceAccountCredentials {
  let credentials = value
  if (typeof value === 'string') {
    try {
      credentials = JSON.parse(value)
    } catch {
      throw new InvalidArgumentError(`${field} is not valid JSON`, { field })
    }
  }
  const key = credentials as Partial<ServiceAccountCredentials> | null
  if (typeof key !== 'object' || key === null) {
    throw new InvalidArgumentError(`${field} must be a service-account key object or JSON string`, { field })
  }
  if (key.type !== undefined && key.type !== 'service_account') {
    throw new InvalidArgumentError(
      `${field} has type ${JSON.stringify(key.type)}; only service_account keys are supported`,
      {
        field: `${field}.type`,
      },
    )
  }
  for (const name of ['client_email', 'private_key'] as const) {
    if (typeof key[name] !== 'string' || key[name] === '') {
      throw new InvalidArgumentError(`${field}.${name} is missing`, { field: `${field}.${name}` })
    }
  }
  if (key.token_uri !== undefined && !/^https?:\/\//.test(key.token_uri)) {
    throw new InvalidArgumentError(`${field}.token_uri must be an http(s) URL`, {
      field: `${field}.token_uri`,
    })
  }
  return key as ServiceAccountCredentials
}
