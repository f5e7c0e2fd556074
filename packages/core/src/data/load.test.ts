import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { gzipSync } from 'fflate';
import { loadDataset } from './load.js';
import { defineDataset, type DataSource, type FileRequest } from './types.js';
import { builtinDatasets } from './datasets/index.js';
import { DataError } from '../errors.js';

const enc = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** An in-memory source: name → bytes. Records what it was asked to discard. */
class FakeSource implements DataSource {
  discarded: string[] = [];
  constructor(private readonly files: Record<string, Uint8Array | Error>) {}
  async readRaw(_dataset: string, _params: Record<string, unknown>, request: FileRequest) {
    const name = request.path ?? request.name;
    const f = this.files[name];
    if (f instanceof Error) throw f;
    if (!f) throw new DataError('not-found', name, 'not found; looked in: memory', 'add it');
    return { bytes: f, location: `mem:${name}` };
  }
  async sha256(bytes: Uint8Array) {
    return sha(bytes);
  }
  async discard(location: string) {
    this.discarded.push(location);
  }
}

const a = enc('alpha file');
const b = enc('beta file, a bit longer');

/** A dataset kind whose "images" are the raw bytes of its files, so decode is trivially checkable. */
const toy = defineDataset({
  type: 'toy',
  description: 'test kind',
  params: Type.Object({}),
  classNames: ['x', 'y'],
  fileHint: 'get the toy files',
  files: () => [
    { key: 'first', name: 'a.bin', sha256: sha(a), bytes: a.length },
    { key: 'second', name: 'b.bin', sha256: sha(b).toUpperCase(), bytes: b.length },
    { key: 'extra', name: 'c.bin', optional: true },
  ],
  decode: (_p, files) => ({
    train: { images: files.first!.bytes, labels: files.second!.bytes, count: 1, height: 1, width: 1 },
    test: files.extra ? { images: files.extra.bytes, labels: new Uint8Array(1), count: 1, height: 1, width: 1 } : null,
  }),
});

async function rejection(p: Promise<unknown>): Promise<DataError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataError);
  return e as DataError;
}

describe('loadDataset', () => {
  it('decompresses, verifies and decodes, and records each file', async () => {
    const source = new FakeSource({ 'a.bin': gzipSync(a), 'b.bin': b });
    const { dataset, files, classNames } = await loadDataset(toy, {}, source);
    expect(dataset.train.images).toEqual(a);
    expect(dataset.train.labels).toEqual(b);
    expect(dataset.test).toBeNull(); // the optional file was not found and skipped
    expect(files).toEqual({ first: { location: 'mem:a.bin', sha256: sha(a) }, second: { location: 'mem:b.bin', sha256: sha(b) } });
    expect(classNames).toEqual(['x', 'y']);
    expect(source.discarded).toEqual([]);
  });

  it('loads an optional file when it is there', async () => {
    const source = new FakeSource({ 'a.bin': a, 'b.bin': b, 'c.bin': enc('c') });
    const { dataset, files } = await loadDataset(toy, {}, source);
    expect(dataset.test?.images).toEqual(enc('c'));
    expect(files.extra?.location).toBe('mem:c.bin');
  });

  it('rejects a checksum mismatch naming the file, both hashes and the fix, and discards it', async () => {
    const evil = enc('alpha filE'); // same size, other bytes
    const source = new FakeSource({ 'a.bin': evil, 'b.bin': b });
    const e = await rejection(loadDataset(toy, {}, source));
    expect(e.code).toBe('checksum-mismatch');
    expect(e.file).toBe('mem:a.bin');
    expect(e.message).toBe(`mem:a.bin: is not the official a.bin: SHA-256 of its decompressed bytes is ${sha(evil)}, expected ${sha(a)}`);
    expect(e.hint).toBe('get the toy files');
    expect(source.discarded).toEqual(['mem:a.bin']);
  });

  it('rejects a wrong size before hashing', async () => {
    const source = new FakeSource({ 'a.bin': enc('short'), 'b.bin': b });
    const e = await rejection(loadDataset(toy, {}, source));
    expect(e.code).toBe('size-mismatch');
    expect(e.message).toContain(`is 5 bytes after decompression; the official a.bin is ${a.length}`);
    expect(source.discarded).toEqual(['mem:a.bin']);
  });

  it('rejects a damaged gzip file and discards it', async () => {
    const gz = gzipSync(a);
    const source = new FakeSource({ 'a.bin': gz.subarray(0, gz.length - 2), 'b.bin': b });
    const e = await rejection(loadDataset(toy, {}, source));
    expect(e.code).toMatch(/^gzip-/);
    expect(e.hint).toBe('get the toy files');
    expect(source.discarded).toEqual(['mem:a.bin']);
  });

  it('passes on a missing required file, and any error of an optional one other than not-found', async () => {
    expect((await rejection(loadDataset(toy, {}, new FakeSource({ 'a.bin': a })))).code).toBe('not-found');
    const denied = new DataError('unreadable', 'c.bin', 'permission denied');
    expect(await rejection(loadDataset(toy, {}, new FakeSource({ 'a.bin': a, 'b.bin': b, 'c.bin': denied })))).toBe(denied);
  });
});

describe('loadDataset with the csv kind', () => {
  const csv = builtinDatasets.csv;
  const header = 'label,pixel1,pixel2,pixel3,pixel4';

  it('reads a gzip-compressed train CSV and a plain test CSV with custom classes', async () => {
    const source = new FakeSource({
      'data/train.csv.gz': gzipSync(enc(`${header}\n0,1,2,3,4\n2,5,6,7,8\n`)),
      'data/test.csv': enc(`${header}\r\n1,9,9,9,9\r\n`),
    });
    const params = { train: 'data/train.csv.gz', test: 'data/test.csv', classNames: ['a', 'b', 'c'], height: 2, width: 2 };
    const { dataset, classNames, files } = await loadDataset(csv, params, source);
    expect(dataset.train.count).toBe(2);
    expect([...dataset.train.labels]).toEqual([0, 2]);
    expect([...dataset.test!.images]).toEqual([9, 9, 9, 9]);
    expect(classNames).toEqual(['a', 'b', 'c']);
    expect(Object.keys(files)).toEqual(['train', 'test']);
  });

  it('requires a test file that the spec names, and has no test set when it is null', async () => {
    const source = new FakeSource({ 'train.csv': enc(`${header}\n0,1,2,3,4\n`) });
    const base = { train: 'train.csv', classNames: ['a', 'b'], height: 2, width: 2 };
    expect((await rejection(loadDataset(csv, { ...base, test: 'missing.csv' }, source))).code).toBe('not-found');
    expect((await loadDataset(csv, { ...base, test: null }, source)).dataset.test).toBeNull();
  });

  it('reports a bad row with file:line and keeps the file (it is the user\'s)', async () => {
    const source = new FakeSource({ 'train.csv': enc(`${header}\n0,1,2,3,4\n7,1,2,3,4\n`) });
    const e = await rejection(loadDataset(csv, { train: 'train.csv', test: null, classNames: ['a', 'b'], height: 2, width: 2 }, source));
    expect(e.code).toBe('csv-label-out-of-range');
    expect(e.file).toBe('mem:train.csv:3');
    expect(source.discarded).toEqual([]);
  });
});
