import { describe, expect, it } from 'vitest'
import { integer } from './der.js'

describe('integer', () => {
  it('drops redundant leading zero bytes (DER allows none)', () => {
    expect(integer(Buffer.from([0x00, 0x00, 0x12, 0x34]))).toEqual(Buffer.from([0x02, 0x02, 0x12, 0x34]))
    expect(integer(Buffer.from([0x00, 0x00]))).toEqual(Buffer.from([0x02, 0x01, 0x00]))
  })

  it('keeps one zero byte before a leading 1 bit, so the number stays positive', () => {
    expect(integer(Buffer.from([0x00, 0x00, 0x80]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0x80]))
    expect(integer(Buffer.from([0xff]))).toEqual(Buffer.from([0x02, 0x02, 0x00, 0xff]))
  })
})
