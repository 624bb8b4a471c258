// A tiny DER writer: just the ASN.1 types an X.509 certificate needs. Written here so the
// package needs no certificate library (the maintained ones pull in a global reflect polyfill).

function length(size: number): Buffer {
  if (size < 0x80) return Buffer.from([size])
  const bytes: number[] = []
  for (let rest = size; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content])
}

export const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts))
export const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts))
export const octetString = (content: Buffer): Buffer => tlv(0x04, content)
export const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'))
export const boolean = (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0]))
/** Context-specific constructed tag `[n]` wrapping already encoded content. */
export const explicit = (tagNumber: number, content: Buffer): Buffer => tlv(0xa0 + tagNumber, content)

/** A non-negative INTEGER from big-endian bytes, in the minimal form DER requires. */
export function integer(bytes: Buffer): Buffer {
  // OpenSSL rejects a redundant leading zero byte ("illegal padding"): a random serial starting
  // with 0x00 0x0* used to break about one certificate in 256.
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0 && ((bytes[start + 1] ?? 0) & 0x80) === 0) start++
  const minimal = bytes.subarray(start)
  // A leading 1 bit would make the number negative.
  return tlv(0x02, (minimal[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal)
}

export function bitString(content: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), content]))
}

export function objectIdentifier(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number)
  const bytes = [first * 40 + second]
  for (const arc of rest) {
    const groups: number[] = [arc & 0x7f]
    for (let value = arc >>> 7; value > 0; value >>>= 7) groups.unshift((value & 0x7f) | 0x80)
    bytes.push(...groups)
  }
  return tlv(0x06, Buffer.from(bytes))
}

export function utcTime(date: Date): Buffer {
  const two = (value: number) => String(value).padStart(2, '0')
  const text =
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    'Z'
  return tlv(0x17, Buffer.from(text, 'ascii'))
}
