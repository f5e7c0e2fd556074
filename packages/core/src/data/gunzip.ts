import { Gunzip } from 'fflate';
import { DataError } from '../errors.js';

/**
 * Gzip handling for dataset files. Mirrors ship the same data compressed
 * differently (Debian recompressed Fashion-MNIST), so checksums are taken on
 * the decompressed bytes and this module must be strict: a stream that stops
 * early, has a bad CRC, or carries bytes after its one member is an error,
 * never silently shorter or longer data.
 */

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const RESERVED = 0xe0;
const FOOTER = 8;
/** The shortest deflate stream (an empty fixed-Huffman final block) is 2 bytes. */
const MIN_DEFLATE = 2;

const DEFAULT_HINT = 'Replace the file with a good copy (delete it to have modelspec look elsewhere or download it again).';

export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** The bytes, decompressed if they are a gzip stream (magic 1f 8b), unchanged otherwise. */
export function maybeGunzip(bytes: Uint8Array, file: string, hint: string = DEFAULT_HINT): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const fail = (code: string, message: string): never => {
    throw new DataError(code, file, message, hint);
  };
  const start = headerLength(bytes, fail);
  if (bytes.length < start + MIN_DEFLATE + FOOTER) {
    fail('gzip-truncated', `gzip stream is truncated: ${bytes.length} bytes hold no complete compressed data and footer`);
  }

  const chunks: Uint8Array[] = [];
  const stream = new Gunzip((chunk) => {
    if (chunk.length > 0) chunks.push(chunk);
  });
  stream.onmember = (offset) => {
    fail(
      'gzip-multiple-members',
      `holds more than one gzip member (a second one starts at byte ${offset} of ${bytes.length}); files glued together with \`cat\` are not accepted`,
    );
  };
  try {
    stream.push(bytes, true);
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as { code?: unknown }).code;
    // fflate reports "unexpected EOF" (0) when the deflate data stops early, and
    // "invalid gzip data" (6) when what follows the first member is not gzip.
    if (code === 0) fail('gzip-truncated', 'gzip stream is truncated: the compressed data ends before its last block');
    if (code === 6) fail('gzip-trailing-bytes', 'has bytes after the end of its gzip stream that are not another gzip member');
    fail('gzip-corrupt', `gzip stream is corrupt: ${(e as Error).message}`);
  }
  const out = concat(chunks);

  // fflate checks neither CRC nor length, and silently ignores up to 3 stray
  // bytes or a cut-off footer: the footer, read at the very end of the file,
  // catches those, because any such damage moves or breaks it.
  const f = bytes.length - FOOTER;
  const crc = readU32LE(bytes, f);
  const size = readU32LE(bytes, f + 4);
  if (size !== out.length >>> 0) {
    fail(
      'gzip-corrupt',
      `gzip footer says ${size} bytes but the data decompresses to ${out.length}: the file is truncated, corrupt, or has extra bytes at its end`,
    );
  }
  const actual = crc32(out);
  if (crc !== actual) {
    fail(
      'gzip-corrupt',
      `gzip CRC-32 check failed (footer ${hex32(crc)}, data ${hex32(actual)}): the file is corrupt, truncated, or has extra bytes at its end`,
    );
  }
  return out;
}

/** Offset of the deflate data: RFC 1952 section 2.3, with every optional field. */
function headerLength(b: Uint8Array, fail: (code: string, message: string) => never): number {
  const truncated = () => fail('gzip-truncated', `gzip stream is truncated inside its header (${b.length} bytes)`);
  if (b.length < 10) truncated();
  if (b[2] !== 8) fail('gzip-corrupt', `gzip header names compression method ${b[2]}; only deflate (8) exists`);
  const flags = b[3]!;
  if (flags & RESERVED) fail('gzip-corrupt', `gzip header has reserved flag bits set (flags 0x${flags.toString(16)})`);
  let p = 10;
  if (flags & FEXTRA) {
    if (p + 2 > b.length) truncated();
    p += 2 + (b[p]! | (b[p + 1]! << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    while (p < b.length && b[p] !== 0) p++;
    p++; // the terminating zero
  }
  if (flags & FHCRC) p += 2;
  if (p > b.length) truncated();
  return p;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const readU32LE = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const hex32 = (n: number) => n.toString(16).padStart(8, '0');

let table: Int32Array | undefined;

/** CRC-32 (IEEE 802.3, as gzip uses). fflate computes it but does not export it. */
export function crc32(data: Uint8Array): number {
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  const t = table;
  let c = -1;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
