import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'
import { InvalidArgumentError } from '../../errors/errors.js'
import type { ProviderCallContext, ProviderHttpRequest } from '../provider.js'
import { resolveAwsCredentials } from './bedrock-credentials.js'
import type { BedrockProviderSettings } from './bedrock-endpoint.js'

/** The SigV4 signing name of Bedrock Runtime (its endpoint prefix is `bedrock-runtime`). */
const signingService = 'bedrock'
const sha256 = Hash.bind(null, 'sha256')

/**
 * Authenticates one Bedrock request, built anew for every attempt so each has a fresh signature
 * date: with `providers.bedrock.credentials` (or, failing an API key, the AWS_* environment), a
 * SigV4 signature over method, path, headers and body (`@smithy/signature-v4`, the AWS SDK's
 * signer); else the API key (AWS_BEARER_TOKEN_BEDROCK) as a bearer token. Everything is checked
 * before the first I/O, which is a credentials provider's own fetch, if any.
 * @example const request = await authenticateBedrockRequest(context, region, { url, headers, body })
 */
export async function authenticateBedrockRequest(
  context: ProviderCallContext,
  region: string | undefined,
  request: { url: string; headers: Record<string, string>; body: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProviderHttpRequest> {
  const settings = context.settings as BedrockProviderSettings
  const headers = withoutAuthHeaders(request.headers)
  if (settings.credentials === undefined && context.apiKey !== undefined) {
    return {
      method: 'POST',
      url: request.url,
      headers: { ...headers, authorization: `Bearer ${context.apiKey}` },
      body: request.body,
    }
  }
  const getCredentials = resolveAwsCredentials(settings.credentials, env, context.provider)
  if (getCredentials === undefined)
    throw new InvalidArgumentError(
      `${context.provider} needs credentials: providers.${context.provider}.credentials, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an API key (AWS_BEARER_TOKEN_BEDROCK)`,
      { field: `providers.${context.provider}.credentials` },
    )
  const signingRegion = region ?? regionOfEndpoint(request.url)
  if (signingRegion === undefined)
    throw new InvalidArgumentError(
      `${context.provider} needs a region to sign with: providers.${context.provider}.region, AWS_REGION or AWS_DEFAULT_REGION`,
      { field: `providers.${context.provider}.region` },
    )
  const url = new URL(request.url)
  const signer = new SignatureV4({
    service: signingService,
    region: signingRegion,
    credentials: getCredentials,
    sha256,
    uriEscapePath: true,
    // The body's hash is still signed; the x-amz-content-sha256 header is only S3's need.
    applyChecksum: false,
  })
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    // As sent: the model segment is already encoded once; the signer encodes it again, as SigV4 wants.
    path: url.pathname,
    query: {},
    // The host is signed, so it is sent as signed rather than left to the HTTP client.
    headers: { ...headers, host: url.host },
    body: request.body,
  })
  return { method: 'POST', url: request.url, headers: signed.headers, body: request.body }
}

/** The signing headers are ours: a caller's own (any case) would be sent twice or break the signature. */
const authHeaders = new Set([
  'authorization',
  'host',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
])

function withoutAuthHeaders(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (!authHeaders.has(lower)) result[lower] = value
  }
  return result
}

/** `bedrock-runtime.{region}.amazonaws.com` (and FIPS / VPC endpoint forms) name their region. */
function regionOfEndpoint(href: string): string | undefined {
  return /(?:^|\.)bedrock-runtime(?:-fips)?\.([a-z]{2}(?:-[a-z0-9]+)+)\.amazonaws\.com$/.exec(
    new URL(href).hostname,
  )?.[1]
}
