import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { crc32, crc32c, maskCrc32c } from '../../../../src/core/ingest/logs/crc32';

const ascii = (s: string) => new TextEncoder().encode(s);

test('CRC-32 and CRC-32C give the standard check values for "123456789"', () => {
  assert.equal(crc32(ascii('123456789')), 0xcbf43926);
  assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('CRC-32 agrees with zlib on every length around the 8-byte stride, and chains like zlib.crc32(data, seed)', () => {
  const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 0xff);
  const zcrc = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
  for (let n = 0; n < 40; n++) {
    const part = bytes.subarray(0, n);
    if (zcrc) assert.equal(crc32(part), zcrc(part) >>> 0, `length ${n}`);
    // Splitting anywhere and chaining gives the same checksum as one pass.
    assert.equal(crc32(part.subarray(n >> 1), crc32(part.subarray(0, n >> 1))), crc32(part));
  }
  assert.equal(crc32(bytes, 0, 17, 250), crc32(bytes.subarray(17, 250)));
});

test('masking is TensorFlow\'s rotate-right-15 plus 0xa282ead8', () => {
  const c = crc32c(ascii('123456789'));
  const unmask = (m: number) => {
    const rot = (m - 0xa282ead8) >>> 0;
    return ((rot >>> 17) | (rot << 15)) >>> 0;
  };
  assert.notEqual(maskCrc32c(c), c);
  assert.equal(unmask(maskCrc32c(c)), c);
});
