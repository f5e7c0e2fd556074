import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError, decodeCsv, decodeIdxImages, decodeIdxLabels, maybeGunzip, pairImagesLabels } from '../../src/index.js';
import { syntheticCsv } from '../fake-backend.js';

/**
 * Fuzzing the dataset decoders (IDX, gzip, CSV) with corrupt files: seeded
 * mutants of small valid files (truncated, bytes flipped or inserted, header
 * sizes overwritten, garbage or a second gzip member appended). Each must
 * decode to consistent data or be refused with a DataError naming the file,
 * never a raw error, and within a second.
 */

const RUNS = Number(process.env['MODELSPEC_FUZZ_FILE_RUNS'] ?? 1500);
const SEED = Number(process.env['MODELSPEC_FUZZ_SEED'] ?? 20261130);

function idx(magic: number, dims: number[], fill: (i: number) => number): Uint8Array {
  const n = dims.reduce((a, d) => a * d, 1);
  const out = new Uint8Array(4 + 4 * dims.length + n);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < n; i++) out[4 + 4 * dims.length + i] = fill(i);
  return out;
}

const images = idx(0x803, [3, 28, 28], (i) => (i * 7) % 256);
const labels = idx(0x801, [3], (i) => i % 10);
const csv = syntheticCsv(3, 1);
type Kind = 'images' | 'labels' | 'csv';
const originals: { kind: Kind; bytes: Uint8Array }[] = [
  { kind: 'images', bytes: images },
  { kind: 'images', bytes: new Uint8Array(gzipSync(images)) },
  { kind: 'labels', bytes: labels },
  { kind: 'labels', bytes: new Uint8Array(gzipSync(labels)) },
  { kind: 'csv', bytes: csv },
  { kind: 'csv', bytes: new Uint8Array(gzipSync(csv)) },
];

type Edit =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'u32'; at: number; value: number }
  | { op: 'append'; bytes: number[] }
  | { op: 'secondMember' };

const at = fc.nat({ max: 100_000 });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at }),
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fc.oneof(fc.nat({ max: 24 }), at), value: fc.nat({ max: 255 }) }) },
  fc.record({ op: fc.constant('insert' as const), at, bytes: fc.array(fc.constantFrom(0, 10, 13, 44, 45, 48, 57, 0x1f, 0x8b, 0xff, 0xef), { minLength: 1, maxLength: 4 }) }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('u32' as const), at: fc.constantFrom(0, 4, 8, 12, 16), value: fc.constantFrom(0, 1, 3, 28, 29, 0x7fffffff, 0xffffffff, 0x803, 0x801, 0x1f8b0800) }) },
  fc.record({ op: fc.constant('append' as const), bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('secondMember' as const) }),
);

function corrupt(bytes: Uint8Array, edits: Edit[]): Uint8Array {
  let b = bytes.slice();
  for (const e of edits) {
    const i = (n: number) => (b.length ? n % b.length : 0);
    if (e.op === 'truncate') b = b.slice(0, i(e.at));
    else if (e.op === 'flip' && b.length) b[i(e.at)] = e.value;
    else if (e.op === 'insert') b = Uint8Array.from([...b.subarray(0, i(e.at)), ...e.bytes, ...b.subarray(i(e.at))]);
    else if (e.op === 'u32' && b.length >= e.at + 4) new DataView(b.buffer, b.byteOffset).setUint32(e.at, e.value, false);
    else if (e.op === 'append') b = Uint8Array.from([...b, ...e.bytes]);
    else if (e.op === 'secondMember') b = Uint8Array.from([...b, ...gzipSync(new Uint8Array([1, 2, 3]))]);
  }
  return b;
}

function decode(kind: Kind, bytes: Uint8Array, file: string) {
  const raw = maybeGunzip(bytes, file);
  if (kind === 'images') {
    const im = decodeIdxImages(raw, file);
    expect(im.data.length).toBe(im.count * im.height * im.width);
    return;
  }
  if (kind === 'labels') {
    const lb = decodeIdxLabels(raw, file);
    pairImagesLabels({ count: lb.length, height: 1, width: 1, data: new Uint8Array(lb.length) }, lb, { images: 'images', labels: file });
    return;
  }
  const set = decodeCsv(raw, file);
  expect(set.images.length).toBe(set.count * 784);
  expect(set.labels.length).toBe(set.count);
}

describe('fuzz: corrupt dataset files', () => {
  it('the uncorrupted files decode', () => {
    for (const o of originals) expect(() => decode(o.kind, o.bytes, 'good')).not.toThrow();
  });

  it(`${RUNS} seeded corrupt files: decoded consistently or refused with a DataError, each within a second`, () => {
    const stats = { tried: 0, decoded: 0, refused: 0, maxMs: 0, codes: new Set<string>() };
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 3 }), (which, edits) => {
        const o = originals[which % originals.length]!;
        const bytes = corrupt(o.bytes, edits);
        const file = `${o.kind}-${stats.tried}`;
        stats.tried++;
        const t0 = performance.now();
        try {
          decode(o.kind, bytes, file);
          stats.decoded++;
        } catch (e) {
          if (!(e instanceof DataError)) throw new Error(`${o.kind} file, edits ${JSON.stringify(edits)}: a raw error, not a DataError: ${(e as Error).stack}`);
          expect(e.file.startsWith(file) || e.file === 'images').toBe(true);
          expect(e.message).not.toMatch(/undefined|NaN|\[object Object\]/);
          stats.refused++;
          stats.codes.add(e.code);
        }
        const ms = performance.now() - t0;
        stats.maxMs = Math.max(stats.maxMs, ms);
        expect(ms).toBeLessThan(1000);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(`fuzz: ${stats.tried} corrupt dataset files tried (seed ${SEED}), ${stats.decoded} decoded, ${stats.refused} refused with a DataError (${[...stats.codes].sort().join(', ')}); max ${stats.maxMs.toFixed(1)} ms`);
    expect(stats.refused).toBeGreaterThan(RUNS / 2);
  });
});
