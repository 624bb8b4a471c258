import { X509Certificate } from 'node:crypto'
import { once } from 'node:events'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { Agent, request } from 'undici'
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import { createTestCertificates } from './create-test-certificates.js'

describe('createTestCertificates', () => {
  it('makes a CA and a server certificate that a client trusting only that CA accepts', async () => {
    const { ca, cert, key } = createTestCertificates({ hosts: ['127.0.0.1', 'localhost'] })
    const parsedCa = new X509Certificate(ca)
    const parsedCert = new X509Certificate(cert)
    expect(parsedCa.ca).toBe(true)
    expect(parsedCert.ca).toBe(false)
    expect(parsedCert.verify(parsedCa.publicKey)).toBe(true)
    expect(parsedCert.checkIssued(parsedCa)).toBe(true)
    expect(parsedCert.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost')

    const server = createServer({ cert, key }, (_req, res) => res.end('hello'))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    const trusting = new Agent({ connect: { ca } })
    const untrusting = new Agent()
    try {
      for (const host of ['127.0.0.1', 'localhost']) {
        const response = await request(`https://${host}:${port}/`, { dispatcher: trusting })
        expect(await response.body.text()).toBe('hello')
      }
      await expect(request(`https://127.0.0.1:${port}/`, { dispatcher: untrusting })).rejects.toThrow(
        /self[- ]signed|unable to verify|certificate/i,
      )
    } finally {
      await trusting.close()
      await untrusting.close()
      server.close()
      server.closeAllConnections()
    }
  })

  it('generates a fresh CA each time', () => {
    expect(createTestCertificates().ca).not.toBe(createTestCertificates().ca)
  })

  it('rejects bad options before generating anything', () => {
    expect(() => createTestCertificates({ hosts: [] })).toThrow(InvalidArgumentError)
    expect(() => createTestCertificates({ validityDays: 0 })).toThrowError(
      expect.objectContaining({ field: 'validityDays' }),
    )
  })
})
