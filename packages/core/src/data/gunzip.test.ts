import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { deflateSync, gzipSync } from 'fflate';
import { crc32, maybeGunzip } from './gunzip.js';
import { DataError } from '../errors.js';

const text = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.length);
  return out;
};
const payload = text('a dataset file, repeated. '.repeat(200));
const gz = gzipSync(payload, { mtime: 0 });

function thrown(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('maybeGunzip', () => {
  it('returns bytes that are not gzip unchanged', () => {
    const raw = new Uint8Array([0, 0, 8, 3, 1, 2]);
    expect(maybeGunzip(raw, 'x')).toBe(raw);
    expect(maybeGunzip(new Uint8Array(0), 'x').length).toBe(0);
  });

  it('decompresses a single member', () => {
    expect(maybeGunzip(gz, 'f.gz')).toEqual(payload);
    expect(maybeGunzip(gzipSync(new Uint8Array(0)), 'empty.gz')).toEqual(new Uint8Array(0));
  });

  it('skips every optional header field (FEXTRA, FNAME, FCOMMENT, FHCRC)', () => {
    const body = deflateSync(payload);
    const header = concat(
      new Uint8Array([0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3]),
      new Uint8Array([3, 0, 9, 9, 9]), // FEXTRA: length 3
      text('name\0'),
      text('a comment\0'),
      new Uint8Array([0xaa, 0xbb]), // FHCRC (not checked: optional and rarely written)
    );
    const footer = new Uint8Array(8);
    new DataView(footer.buffer).setUint32(0, crc32(payload), true);
    new DataView(footer.buffer).setUint32(4, payload.length, true);
    expect(maybeGunzip(concat(header, body, footer), 'f.gz')).toEqual(payload);
  });

  it('rejects two members glued together, even identical ones', () => {
    const two = concat(gz, gzipSync(text('more')));
    const e = thrown(() => maybeGunzip(two, 'data/train.gz'));
    expect(e.code).toBe('gzip-multiple-members');
    expect(e.file).toBe('data/train.gz');
    expect(e.message).toContain(`starts at byte ${gz.length}`);
    expect(e.hint).toBeTruthy();
    expect(thrown(() => maybeGunzip(concat(gz, gz), 'f')).code).toBe('gzip-multiple-members');
  });

  it.each([
    [1, 'gzip-corrupt'],
    [3, 'gzip-corrupt'],
    [4, 'gzip-trailing-bytes'],
    [100, 'gzip-trailing-bytes'],
  ])('rejects %i zero bytes after the stream (%s)', (n, code) => {
    const e = thrown(() => maybeGunzip(concat(gz, new Uint8Array(n)), 'f'));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(/extra bytes|bytes after/);
  });

  it('rejects the start of a second gzip header after the stream', () => {
    const e = thrown(() => maybeGunzip(concat(gz, new Uint8Array([0x1f, 0x8b, 8, 0, 0])), 'f'));
    expect(e.code).toBe('gzip-corrupt');
  });

  it.each([1, 4, 8])('rejects a footer cut short by %i bytes', (n) => {
    const e = thrown(() => maybeGunzip(gz.subarray(0, gz.length - n), 'f'));
    expect(e.code).toBe('gzip-corrupt');
    expect(e.message).toMatch(/truncated/);
  });

  it.each([9, 20, 40])('rejects compressed data cut short by %i bytes', (n) => {
    // Cut just before the footer, fflate may still finish the last block: then the footer check reports it.
    const e = thrown(() => maybeGunzip(gz.subarray(0, gz.length - n), 'f'));
    expect(['gzip-truncated', 'gzip-corrupt']).toContain(e.code);
    expect(e.message).toMatch(/truncated/);
  });

  it('reports a large stream cut in the middle as truncated', () => {
    const big = gzipSync(Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
    expect(thrown(() => maybeGunzip(big.subarray(0, big.length >> 1), 'f')).code).toBe('gzip-truncated');
  });

  it('rejects a stream that is only a header', () => {
    expect(thrown(() => maybeGunzip(gz.subarray(0, 10), 'f')).code).toBe('gzip-truncated');
    expect(thrown(() => maybeGunzip(gz.subarray(0, 5), 'f')).code).toBe('gzip-truncated');
  });

  it('rejects a wrong CRC and a wrong length in the footer', () => {
    const badCrc = gz.slice();
    badCrc[badCrc.length - 8]! ^= 0xff;
    expect(thrown(() => maybeGunzip(badCrc, 'f')).message).toMatch(/CRC-32 check failed/);
    const badLen = gz.slice();
    badLen[badLen.length - 4]! ^= 1;
    expect(thrown(() => maybeGunzip(badLen, 'f')).message).toMatch(/footer says \d+ bytes/);
  });

  it('rejects flipped bits inside the compressed data', () => {
    // Every byte position: each flip must be caught by fflate or by the CRC.
    const body = gzipSync(text('The quick brown fox jumps over the lazy dog, twice over.'));
    for (let i = 10; i < body.length - 8; i++) {
      const bad = body.slice();
      bad[i]! ^= 0x10;
      expect(() => maybeGunzip(bad, 'f'), `byte ${i}`).toThrow(DataError);
    }
  });

  it('rejects an unknown compression method and reserved flags', () => {
    const m = gz.slice();
    m[2] = 7;
    expect(thrown(() => maybeGunzip(m, 'f')).message).toMatch(/compression method 7/);
    const r = gz.slice();
    r[3] = 0x20;
    expect(thrown(() => maybeGunzip(r, 'f')).message).toMatch(/reserved flag/);
  });

  it('passes a custom hint through', () => {
    expect(thrown(() => maybeGunzip(gz.subarray(0, 12), 'f', 'reinstall it')).hint).toBe('reinstall it');
  });
});

const REAL = '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz';
describe.runIf(existsSync(REAL))('maybeGunzip on the Debian Fashion-MNIST file', () => {
  it('gives the official decompressed bytes', () => {
    const out = maybeGunzip(new Uint8Array(readFileSync(REAL)), REAL);
    expect(out.length).toBe(10_008);
    expect(createHash('sha256').update(out).digest('hex')).toBe('0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34');
  });
});
