import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfigurationError, InvalidArgumentError } from '../../errors/errors.js'
import type { ProviderCallContext } from '../provider.js'
import {
  createServiceAccountTokenSource,
  parseServiceAccountCredentials,
  type ServiceAccountCredentials,
  type ServiceAccountTokenSource,
} from './create-service-account-token-source.js'

/** `providers.vertex` settings. */
export interface VertexSettings {
  project?: string
  location?: string
  /** A service-account key: object or JSON string. Default: the file named by GOOGLE_APPLICATION_CREDENTIALS. */
  credentials?: ServiceAccountCredentials | string
  /** Supplies a bearer token instead of a key (the caller caches it). */
  getAccessToken?: () => string | Promise<string>
  /** Replaces `https://{location}-aiplatform.googleapis.com/v1`. */
  baseUrl?: string
}

// One token source per key and session: a call never waits on a refresh running on another
// session's sockets, and calls on one session share one token.
const tokenSources = new Map<string, ServiceAccountTokenSource>()
// Credentials files read, by path: read once (never synchronously on every call), kept beside their token.
const credentialFiles = new Map<string, ServiceAccountCredentials>()

/**
 * Resolves the Vertex credentials in `settings` (or GOOGLE_APPLICATION_CREDENTIALS) before any I/O,
 * and returns a function that yields an access token through the call's session.
 * @example const token = await resolveVertexAccessToken(context)()
 */
export function resolveVertexAccessToken(
  context: ProviderCallContext,
  env: NodeJS.ProcessEnv = process.env,
): () => Promise<string> {
  const settings = context.settings as VertexSettings
  if (settings.getAccessToken !== undefined) {
    const getAccessToken = settings.getAccessToken
    if (typeof getAccessToken !== 'function') {
      throw new InvalidArgumentError('providers.vertex.getAccessToken must be a function', {
        field: 'providers.vertex.getAccessToken',
      })
    }
    return async () => {
      const token = await getAccessToken()
      if (typeof token !== 'string' || token === '') {
        throw new InvalidArgumentError('providers.vertex.getAccessToken() must return a non-empty string', {
          field: 'providers.vertex.getAccessToken',
        })
      }
      return token
    }
  }
  const credentials = readCredentials(settings, env)
  // One token source per service account: a token is not tied to a connection, so sessions share it
  // and the cache stays as small as the set of accounts. The exchange itself goes through the
  // session of the call that needs the token.
  const key = createHash('sha256')
    .update(
      `${credentials.client_email}\0${credentials.private_key_id ?? ''}\0${credentials.private_key}\0${credentials.token_uri ?? ''}`,
    )
    .digest('hex')
  let source = tokenSources.get(key)
  if (source === undefined) {
    source = createServiceAccountTokenSource({ credentials, provider: context.provider })
    tokenSources.set(key, source)
  }
  const tokenSource = source
  return () => tokenSource.getAccessToken((request) => context.send(request))
}

function readCredentials(settings: VertexSettings, env: NodeJS.ProcessEnv): ServiceAccountCredentials {
  if (settings.credentials !== undefined) {
    return parseServiceAccountCredentials(settings.credentials, 'providers.vertex.credentials')
  }
  const file = env.GOOGLE_APPLICATION_CREDENTIALS
  if (file === undefined || file === '') {
    throw new ConfigurationError(
      'vertex needs providers.vertex.credentials, providers.vertex.getAccessToken or GOOGLE_APPLICATION_CREDENTIALS',
      { field: 'providers.vertex.credentials' },
    )
  }
  const cached = credentialFiles.get(file)
  if (cached !== undefined) return cached
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigurationError(`GOOGLE_APPLICATION_CREDENTIALS names a file that cannot be read: ${file}`, {
      field: 'GOOGLE_APPLICATION_CREDENTIALS',
      cause: error,
    })
  }
  let credentials: ServiceAccountCredentials
  try {
    credentials = parseServiceAccountCredentials(text, 'GOOGLE_APPLICATION_CREDENTIALS')
  } catch (error) {
    // The server's file, not the caller's input.
    const { message, field } = error as InvalidArgumentError
    throw new ConfigurationError(message, { field, cause: error })
  }
  if (credentialFiles.size >= 16) credentialFiles.clear()
  credentialFiles.set(file, credentials)
  return credentials
}
