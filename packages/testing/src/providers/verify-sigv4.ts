import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'

/** AWS credentials the mock accepts signatures from. */
export interface MockAwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  /** When set, requests signed with this key must carry this `x-amz-security-token`. */
  sessionToken?: string
}

/** Why a signature was refused, as AWS names it. */
export interface SigV4Failure {
  status: number
  exception: string
  message: string
}

/** What verification needs of one request. */
export interface SigV4Request {
  method: string
  url: URL
  headers: IncomingHttpHeaders
  body: Buffer
}

const authorizationPattern =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/
const maxSkewMs = 5 * 60 * 1000

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

function parseAmzDate(value: string | undefined): Date | undefined {
  const match = value && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (!match) return undefined
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[]
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!))
}

/**
 * Verifies the SigV4 signature of a request the way AWS does: the key must be known, the scope
 * must name `service`, the date must be within 5 minutes, and the signature recomputed with the
 * AWS SDK's signer over the signed headers, the path as received and the body must match.
 * Resolves to undefined when the request may pass.
 */
export async function verifySigV4(
  request: SigV4Request,
  accepted: readonly MockAwsCredentials[],
  service: string,
  now = Date.now(),
): Promise<SigV4Failure | undefined> {
  const authorization = header(request.headers, 'authorization') ?? ''
  const match = authorizationPattern.exec(authorization)
  if (!match)
    return {
      status: 400,
      exception: 'IncompleteSignatureException',
      message: 'Authorization header requires Credential, SignedHeaders and Signature (AWS4-HMAC-SHA256).',
    }
  const [, accessKeyId, day, region, scopeService, signedHeaders, signature] = match as unknown as string[]
  const credentials = accepted.find((candidate) => candidate.accessKeyId === accessKeyId)
  if (credentials === undefined)
    return {
      status: 403,
      exception: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    }
  const token = header(request.headers, 'x-amz-security-token')
  if (credentials.sessionToken !== undefined && token !== credentials.sessionToken)
    return {
      status: 403,
      exception: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    }
  const date = parseAmzDate(header(request.headers, 'x-amz-date'))
  if (
    date === undefined ||
    !date
      .toISOString()
      .replace(/-/g, '')
      .startsWith(day as string)
  )
    return {
      status: 400,
      exception: 'IncompleteSignatureException',
      message: 'X-Amz-Date is missing or wrong.',
    }
  if (Math.abs(now - date.getTime()) > maxSkewMs)
    return { status: 403, exception: 'InvalidSignatureException', message: 'Signature expired.' }
  if (scopeService !== service)
    return {
      status: 403,
      exception: 'InvalidSignatureException',
      message: `Credential should be scoped to correct service: '${service}'.`,
    }
  const names = (signedHeaders as string).split(';')
  if (!names.includes('host') || !names.includes('x-amz-date'))
    return {
      status: 403,
      exception: 'InvalidSignatureException',
      message: 'The host and x-amz-date headers must be signed.',
    }
  // The signer trusts this header as the body's hash, so it must be the body's hash.
  const contentHash = header(request.headers, 'x-amz-content-sha256')
  if (contentHash !== undefined && contentHash !== createHash('sha256').update(request.body).digest('hex'))
    return {
      status: 400,
      exception: 'InvalidSignatureException',
      message: 'The provided x-amz-content-sha256 header does not match what was computed.',
    }
  const headers: Record<string, string> = {}
  for (const name of names) {
    const value = header(request.headers, name)
    if (value !== undefined) headers[name] = value
  }
  const query: Record<string, string> = {}
  for (const [name, value] of request.url.searchParams) query[name] = value
  const signer = new SignatureV4({
    service,
    region: region as string,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(token === undefined ? {} : { sessionToken: token }),
    },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
    // Sign exactly the headers the client signed: no x-amz-content-sha256 added.
    applyChecksum: false,
  })
  const expected = await signer.sign(
    {
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      path: request.url.pathname,
      query,
      headers,
      body: request.body,
    },
    { signingDate: date },
  )
  const computed = /Signature=([0-9a-f]{64})/.exec(expected.headers.authorization ?? '')?.[1]
  if (computed !== signature) {
    // As AWS does, the message goes on with what it expected, signed header values included.
    const canonicalHeaders = Object.entries(expected.headers)
      .filter(([name]) => names.includes(name.toLowerCase()) || name === 'x-amz-security-token')
      .map(([name, value]) => `${name.toLowerCase()}:${value}`)
      .sort()
      .join('\n')
    return {
      status: 403,
      exception: 'InvalidSignatureException',
      message: `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${request.method}\n${request.url.pathname}\n\n${canonicalHeaders}\n\n${names.join(';')}'\n`,
    }
  }
  return undefined
}
