import { AuthenticationError, InvalidArgumentError, LlmError } from '../../errors/errors.js'

/**
 * AWS credentials, as the AWS SDK's credential providers return them (`AwsCredentialIdentity`).
 * @example const credentials: AwsCredentials = { accessKeyId: 'AKIA…', secretAccessKey: '…' }
 */
export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string | undefined
  /** When temporary credentials stop working; they are fetched again 5 minutes before. */
  expiration?: Date | undefined
}

/**
 * A function that yields credentials, e.g. `fromNodeProviderChain()` from `@aws-sdk/credential-providers`.
 * @example const provider: AwsCredentialsProvider = fromNodeProviderChain()
 */
export type AwsCredentialsProvider = () => AwsCredentials | Promise<AwsCredentials>

/** Fetched again this long before `expiration`, as the AWS SDK does. */
export const AWS_CREDENTIALS_REFRESH_WINDOW_MS = 5 * 60 * 1000

interface CredentialsCache {
  get(): Promise<AwsCredentials>
}

// One cache per provider function, so calls on every client and session share one refresh.
const caches = new WeakMap<object, CredentialsCache>()

/**
 * Resolves the credentials a Bedrock call signs with, checked before any I/O: `credentials` (an
 * object, or a provider function whose answer is cached until 5 minutes before it expires, one
 * fetch at a time however many calls wait), else `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
 * `AWS_SESSION_TOKEN` from the environment. Undefined when there are none.
 * @example const getCredentials = resolveAwsCredentials(settings.credentials, process.env, 'bedrock')
 */
export function resolveAwsCredentials(
  given: unknown,
  env: NodeJS.ProcessEnv,
  provider: string,
): (() => Promise<AwsCredentials>) | undefined {
  const field = `providers.${provider}.credentials`
  if (typeof given === 'function') {
    let cache = caches.get(given)
    if (cache === undefined) {
      cache = createCredentialsCache(given as AwsCredentialsProvider, field, provider)
      caches.set(given, cache)
    }
    return cache.get
  }
  if (given !== undefined) {
    const credentials = checkCredentials(given, field)
    return () => Promise.resolve(credentials)
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  if (!accessKeyId || !secretAccessKey) return undefined
  const credentials: AwsCredentials = { accessKeyId, secretAccessKey }
  if (env.AWS_SESSION_TOKEN) credentials.sessionToken = env.AWS_SESSION_TOKEN
  return () => Promise.resolve(credentials)
}

function checkCredentials(value: unknown, field: string): AwsCredentials {
  const credentials = value as Partial<AwsCredentials> | null
  if (
    typeof credentials !== 'object' ||
    credentials === null ||
    typeof credentials.accessKeyId !== 'string' ||
    credentials.accessKeyId === '' ||
    typeof credentials.secretAccessKey !== 'string' ||
    credentials.secretAccessKey === ''
  ) {
    // Never echo the value: it holds the secret.
    throw new InvalidArgumentError(
      `${field} must be { accessKeyId, secretAccessKey, sessionToken? } or a function returning it`,
      { field },
    )
  }
  if (credentials.sessionToken !== undefined && typeof credentials.sessionToken !== 'string')
    throw new InvalidArgumentError(`${field}.sessionToken must be a string`, {
      field: `${field}.sessionToken`,
    })
  return credentials as AwsCredentials
}

function isFresh(credentials: AwsCredentials, now: number): boolean {
  const expiration = credentials.expiration
  if (expiration === undefined) return true
  const time = expiration instanceof Date ? expiration.getTime() : new Date(expiration).getTime()
  return !(time - now <= AWS_CREDENTIALS_REFRESH_WINDOW_MS)
}

function createCredentialsCache(
  source: AwsCredentialsProvider,
  field: string,
  provider: string,
): CredentialsCache {
  let current: AwsCredentials | undefined
  let pending: Promise<AwsCredentials> | undefined
  const fetch = async (): Promise<AwsCredentials> => {
    let answer: unknown
    try {
      answer = await source()
    } catch (error) {
      if (error instanceof LlmError) throw error
      // The message is the provider's own; it names the source that failed, not a secret.
      const reason = error instanceof Error ? error.message : 'unknown error'
      throw new AuthenticationError(`${provider} could not get AWS credentials: ${reason}`, {
        provider,
        cause: error,
      })
    }
    return checkCredentials(answer, `${field}()`)
  }
  return {
    get() {
      if (current !== undefined && isFresh(current, Date.now())) return Promise.resolve(current)
      // Single flight: every call that finds the credentials stale waits on the same fetch.
      pending ??= fetch().then(
        (credentials) => {
          current = credentials
          pending = undefined
          return credentials
        },
        (error: unknown) => {
          pending = undefined
          throw error
        },
      )
      return pending
    },
  }
}
