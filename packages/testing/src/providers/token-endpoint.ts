import { createPublicKey, type KeyObject, randomBytes, verify } from 'node:crypto'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import type { MockExchange } from '../mock-provider/mock-exchange.js'
import type { MockErrorResponse, MockWireFormat } from '../mock-provider/mock-wire-format.js'
import { sendJson } from '../mock-provider/send-response.js'

/** A service account whose JWTs the token endpoint accepts. */
export interface MockServiceAccount {
  /** The JWT's `iss` (the service account's `client_email`). */
  clientEmail: string
  /** The account's public key (PEM or KeyObject); the test keeps the private key to sign JWTs. */
  publicKey: string | KeyObject
}

const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

/** Registered service accounts and the access tokens issued to them. */
export class MockTokenStore {
  readonly #accounts = new Map<string, KeyObject>()
  readonly #tokens = new Map<string, number>()

  register(account: MockServiceAccount): void {
    if (typeof account?.clientEmail !== 'string' || account.clientEmail.length === 0) {
      throw new InvalidArgumentError('clientEmail must be a non-empty string', { field: 'clientEmail' })
    }
    let key: KeyObject
    try {
      key = typeof account.publicKey === 'string' ? createPublicKey(account.publicKey) : account.publicKey
    } catch (error) {
      throw new InvalidArgumentError('publicKey must be a PEM public key or a KeyObject', {
        field: 'publicKey',
        cause: error,
      })
    }
    if (key?.type !== 'public' || key.asymmetricKeyType !== 'rsa') {
      throw new InvalidArgumentError('publicKey must be an RSA public key', { field: 'publicKey' })
    }
    this.#accounts.set(account.clientEmail, key)
  }

  issue(expiresInSeconds: number): string {
    const token = `ya29.mock-${randomBytes(18).toString('base64url')}`
    this.#tokens.set(token, Date.now() + expiresInSeconds * 1000)
    return token
  }

  isValid(token: string): boolean {
    const expiresAt = this.#tokens.get(token)
    return expiresAt !== undefined && expiresAt > Date.now()
  }

  publicKeyOf(clientEmail: string): KeyObject | undefined {
    return this.#accounts.get(clientEmail)
  }

  clearTokens(): void {
    this.#tokens.clear()
  }
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null ? value : undefined
  } catch {
    return undefined
  }
}

function grantError(description: string, error = 'invalid_grant'): MockErrorResponse {
  return { status: 400, body: { error, error_description: description } }
}

/** Checks a JWT bearer assertion as Google's token endpoint does: RS256 signature, iss, aud, iat/exp. */
function checkAssertion(exchange: MockExchange, assertion: string): MockErrorResponse | undefined {
  const [headerPart, payloadPart, signaturePart, extra] = assertion.split('.')
  const header = decodePart(headerPart)
  const payload = decodePart(payloadPart)
  if (!header || !payload || signaturePart === undefined || extra !== undefined)
    return grantError('Invalid JWT.')
  if (header.alg !== 'RS256') return grantError('Invalid JWT: alg must be RS256.')
  const publicKey = typeof payload.iss === 'string' ? exchange.tokens.publicKeyOf(payload.iss) : undefined
  if (!publicKey) return grantError('Invalid grant: account not found')
  const signed = Buffer.from(`${headerPart}.${payloadPart}`)
  if (!verify('RSA-SHA256', signed, publicKey, Buffer.from(signaturePart, 'base64url'))) {
    return grantError('Invalid JWT Signature.')
  }
  if (typeof payload.aud !== 'string' || !payload.aud.endsWith('/token')) {
    return grantError('Invalid JWT: Failed audience check.')
  }
  const now = Date.now() / 1000
  const { iat, exp } = payload
  if (
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    exp <= now ||
    iat > now + 300 ||
    exp - iat > 3600
  ) {
    return grantError(
      'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
    )
  }
  return undefined
}

async function token(exchange: MockExchange): Promise<void> {
  const { grant_type: grantType, assertion } = exchange.body
  let failure: MockErrorResponse | undefined
  if (grantType !== jwtBearer)
    failure = grantError(`Invalid grant_type: ${String(grantType ?? '')}`, 'unsupported_grant_type')
  else if (typeof assertion !== 'string')
    failure = grantError('Missing required parameter: assertion', 'invalid_request')
  else failure = checkAssertion(exchange, assertion)
  if (failure) return sendJson(exchange, failure.status, failure.body)
  const expiresIn = exchange.options.tokenExpiresInSeconds
  const accessToken = exchange.tokens.issue(expiresIn)
  exchange.stats.increment('tokensIssued')
  return sendJson(exchange, 200, { access_token: accessToken, expires_in: expiresIn, token_type: 'Bearer' })
}

/** The OAuth 2 token endpoint (`POST /token`) for service-account (JWT bearer) auth. */
export const tokenEndpointFormat: MockWireFormat = {
  error(_exchange, status, message) {
    return {
      status,
      body: { error: status >= 500 ? 'internal_failure' : 'invalid_request', error_description: message },
    }
  },
  credentialHeaders: () => [],
  authenticate: () => undefined,
  handle: token,
}
