import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'
import { isIP } from 'node:net'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import {
  bitString,
  boolean,
  explicit,
  integer,
  objectIdentifier,
  octetString,
  sequence,
  set,
  tlv,
  utcTime,
  utf8String,
} from './der.js'

export interface TestCertificatesOptions {
  /** Host names and IP addresses the server certificate is valid for. Default `['127.0.0.1', 'localhost', '::1']`. */
  hosts?: string[]
  /** How long the certificates are valid, in days. Default 1. */
  validityDays?: number
}

export interface TestCertificates {
  /** The CA certificate (PEM) a client must trust. */
  ca: string
  /** The server certificate (PEM), signed by `ca`. */
  cert: string
  /** The server's private key (PEM, PKCS#8). */
  key: string
}

const ecdsaWithSha256 = sequence(objectIdentifier('1.2.840.10045.4.3.2'))

interface CertificateFields {
  subject: string
  issuer: string
  publicKey: KeyObject
  signingKey: KeyObject
  issuerPublicKey: KeyObject
  validityDays: number
  extensions: Buffer[]
}

function name(commonName: string): Buffer {
  return sequence(set(sequence(objectIdentifier('2.5.4.3'), utf8String(commonName))))
}

function extension(oid: string, value: Buffer, critical = false): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value))
}

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest()
}

function createCertificate(fields: CertificateFields): string {
  const notBefore = new Date(Date.now() - 60 * 60 * 1000)
  const notAfter = new Date(Date.now() + fields.validityDays * 24 * 60 * 60 * 1000)
  const serial = randomBytes(16)
  serial[0] = (serial[0] ?? 0) & 0x7f
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    name(fields.issuer),
    sequence(utcTime(notBefore), utcTime(notAfter)),
    name(fields.subject),
    fields.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      sequence(
        ...fields.extensions,
        extension('2.5.29.14', octetString(keyId(fields.publicKey))),
        extension('2.5.29.35', sequence(tlv(0x80, keyId(fields.issuerPublicKey)))),
      ),
    ),
  )
  const signature = sign('sha256', tbs, fields.signingKey)
  const der = sequence(tbs, ecdsaWithSha256, bitString(signature))
  const lines = der.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
}

function subjectAltName(hosts: string[]): Buffer {
  return sequence(
    ...hosts.map((host) => {
      const version = isIP(host)
      if (version === 4) return tlv(0x87, Buffer.from(host.split('.').map(Number)))
      if (version === 6) return tlv(0x87, ipv6Bytes(host))
      return tlv(0x82, Buffer.from(host, 'ascii'))
    }),
  )
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::')
  const headGroups = head ? head.split(':') : []
  const tailGroups = tail ? tail.split(':') : []
  const missing = 8 - headGroups.length - tailGroups.length
  const groups = [
    ...headGroups,
    ...Array<string>(address.includes('::') ? missing : 0).fill('0'),
    ...tailGroups,
  ]
  const bytes = Buffer.alloc(16)
  groups.forEach((group, index) => {
    bytes.writeUInt16BE(Number.parseInt(group, 16), index * 2)
  })
  return bytes
}

/**
 * Generates a throw-away CA and a server certificate signed by it, in memory (ECDSA P-256).
 * Nothing is written to disk: hand `cert`/`key` to `https.createServer` and `ca` to the client.
 * @example
 * const { ca, cert, key } = createTestCertificates({ hosts: ['127.0.0.1'] })
 * const server = https.createServer({ cert, key }, handler)
 * const agent = new Agent({ connect: { ca } })
 */
export function createTestCertificates(options: TestCertificatesOptions = {}): TestCertificates {
  const hosts = options.hosts ?? ['127.0.0.1', 'localhost', '::1']
  if (
    !Array.isArray(hosts) ||
    hosts.length === 0 ||
    hosts.some((host) => typeof host !== 'string' || !host)
  ) {
    throw new InvalidArgumentError('hosts must be a non-empty array of host names or IP addresses', {
      field: 'hosts',
    })
  }
  const validityDays = options.validityDays ?? 1
  if (!Number.isFinite(validityDays) || validityDays <= 0) {
    throw new InvalidArgumentError('validityDays must be a positive number', { field: 'validityDays' })
  }
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const serverKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const ca = createCertificate({
    subject: 'llm-session test CA',
    issuer: 'llm-session test CA',
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    issuerPublicKey: caKeys.publicKey,
    validityDays,
    extensions: [
      extension('2.5.29.19', sequence(boolean(true)), true),
      // digitalSignature, keyCertSign, cRLSign
      extension('2.5.29.15', bitString(Buffer.from([0x86]), 1), true),
    ],
  })
  const cert = createCertificate({
    subject: hosts[0] as string,
    issuer: 'llm-session test CA',
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    issuerPublicKey: caKeys.publicKey,
    validityDays,
    extensions: [
      extension('2.5.29.19', sequence()),
      extension('2.5.29.15', bitString(Buffer.from([0x80]), 7), true),
      extension('2.5.29.37', sequence(objectIdentifier('1.3.6.1.5.5.7.3.1'))),
      extension('2.5.29.17', subjectAltName(hosts)),
    ],
  })
  const key = serverKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  return { ca, cert, key }
}
