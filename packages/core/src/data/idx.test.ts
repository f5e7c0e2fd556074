import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { decodeIdx, decodeIdxFiles, decodeIdxImages, decodeIdxLabels, idxFileRequests, pairImagesLabels } from './idx.js';
import { maybeGunzip } from './gunzip.js';
import { DataError } from '../errors.js';
import type { LoadedFile } from './types.js';

/** A synthetic IDX file: header for `dims`, then `data` (or product(dims) bytes counting up). */
function idx(dims: number[], data?: Uint8Array, type = 0x08): Uint8Array {
  const n = dims.reduce((a, d) => a * d, 1);
  const body = data ?? Uint8Array.from({ length: n }, (_, i) => i % 256);
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  const v = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

function thrown(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('decodeIdx', () => {
  it('reads dims and data', () => {
    const { dims, data } = decodeIdx(idx([2, 3, 4]), 'f');
    expect(dims).toEqual([2, 3, 4]);
    expect([...data.subarray(0, 3)]).toEqual([0, 1, 2]);
    expect(data.length).toBe(24);
  });

  it('reads big-endian dimensions above 255', () => {
    expect(decodeIdx(idx([300, 2]), 'f').dims).toEqual([300, 2]);
  });

  it('works on a view into a larger buffer', () => {
    const file = idx([3]);
    const big = new Uint8Array(file.length + 10);
    big.set(file, 7);
    expect([...decodeIdx(big.subarray(7, 7 + file.length), 'f').data]).toEqual([0, 1, 2]);
  });

  it('says by how many bytes a file is truncated or padded', () => {
    const good = idx([10, 2, 2]);
    const t = thrown(() => decodeIdx(good.subarray(0, good.length - 3), 'train-images'));
    expect(t.code).toBe('idx-truncated');
    expect(t.file).toBe('train-images');
    expect(t.message).toContain('3 bytes missing');
    const padded = new Uint8Array(good.length + 5);
    padded.set(good);
    const p = thrown(() => decodeIdx(padded, 'f'));
    expect(p.code).toBe('idx-padded');
    expect(p.message).toContain('5 extra bytes');
    expect(p.message).toContain('dims [10, 2, 2]');
  });

  it('rejects a truncated header', () => {
    expect(thrown(() => decodeIdx(idx([10, 2, 2]).subarray(0, 9), 'f')).message).toMatch(/inside its IDX header/);
  });

  it('rejects a bad magic, saying when the file is still gzip', () => {
    expect(thrown(() => decodeIdx(new Uint8Array([1, 0, 8, 1]), 'f')).code).toBe('idx-bad-magic');
    expect(thrown(() => decodeIdx(new Uint8Array([0x1f, 0x8b, 8, 0]), 'f')).message).toContain('still gzip-compressed');
    expect(thrown(() => decodeIdx(new Uint8Array([0, 0]), 'f')).code).toBe('idx-bad-magic');
    expect(thrown(() => decodeIdx(new Uint8Array([0, 0, 8, 0]), 'f')).message).toContain('0 dimensions');
  });

  it('rejects types other than uint8, naming them', () => {
    const e = thrown(() => decodeIdx(idx([1], new Uint8Array(4), 0x0d), 'f'));
    expect(e.code).toBe('idx-bad-type');
    expect(e.message).toContain('float32');
  });
});

describe('decodeIdxImages / decodeIdxLabels', () => {
  it('decodes images and labels', () => {
    const im = decodeIdxImages(idx([2, 28, 28]), 'i');
    expect(im).toMatchObject({ count: 2, height: 28, width: 28 });
    expect(im.data.length).toBe(2 * 784);
    expect([...decodeIdxLabels(idx([3], new Uint8Array([9, 2, 1])), 'l')]).toEqual([9, 2, 1]);
  });

  it('checks the magic of each kind and says when the files are swapped', () => {
    const e = thrown(() => decodeIdxImages(idx([4], new Uint8Array([1, 2, 3, 4])), 'train-images'));
    expect(e.code).toBe('idx-bad-magic');
    expect(e.message).toContain('magic 2051');
    expect(e.message).toContain('labels file');
    expect(thrown(() => decodeIdxLabels(idx([1, 28, 28]), 'l')).message).toContain('images file');
  });

  it('checks the image size', () => {
    expect(thrown(() => decodeIdxImages(idx([1, 32, 32]), 'i')).message).toContain('images are 32x32, expected 28x28');
    expect(decodeIdxImages(idx([1, 4, 5]), 'i', { height: 4, width: 5 }).count).toBe(1);
  });
});

describe('pairImagesLabels', () => {
  const images = decodeIdxImages(idx([3, 2, 2]), 'im', { height: 2, width: 2 });
  it('pairs images and labels', () => {
    const set = pairImagesLabels(images, new Uint8Array([0, 9, 5]), { images: 'im', labels: 'lb' });
    expect(set).toMatchObject({ count: 3, height: 2, width: 2 });
    expect([...set.labels]).toEqual([0, 9, 5]);
    expect(set.images.length).toBe(12);
  });

  it('rejects counts that disagree, naming both files', () => {
    const e = thrown(() => pairImagesLabels(images, new Uint8Array([0, 1]), { images: 'im', labels: 'lb' }));
    expect(e.code).toBe('count-mismatch');
    expect(e.message).toBe('lb: holds 2 labels but im holds 3 images; the two files must come from the same set');
  });

  it('names the first label out of range', () => {
    const e = thrown(() => pairImagesLabels(images, new Uint8Array([1, 10, 200]), { images: 'im', labels: 'lb' }, { hint: 'get a new copy' }));
    expect(e.code).toBe('label-out-of-range');
    expect(e.message).toBe('lb: label at index 1 is 10; labels must be 0..9');
    expect(e.hint).toBe('get a new copy');
    expect(thrown(() => pairImagesLabels(images, new Uint8Array([0, 1, 2]), { images: 'im', labels: 'lb' }, { numClasses: 2 })).message).toContain(
      'index 2 is 2',
    );
  });
});

describe('the four-file layout', () => {
  it('requests the four canonical names with their hashes and sizes', () => {
    const h = { sha256: 'ab', bytes: 1 };
    const reqs = idxFileRequests({ trainImages: h, trainLabels: h, testImages: h, testLabels: h });
    expect(reqs.map((r) => [r.key, r.name])).toEqual([
      ['trainImages', 'train-images-idx3-ubyte'],
      ['trainLabels', 'train-labels-idx1-ubyte'],
      ['testImages', 't10k-images-idx3-ubyte'],
      ['testLabels', 't10k-labels-idx1-ubyte'],
    ]);
    expect(reqs[0]).toMatchObject(h);
  });

  it('decodes train and test sets, naming locations in errors', () => {
    const f = (bytes: Uint8Array, location: string): LoadedFile => ({ bytes, location, sha256: '' });
    const files = {
      trainImages: f(idx([2, 28, 28]), '/d/train-images'),
      trainLabels: f(idx([2], new Uint8Array([3, 4])), '/d/train-labels'),
      testImages: f(idx([1, 28, 28]), '/d/t10k-images'),
      testLabels: f(idx([1], new Uint8Array([7])), '/d/t10k-labels'),
    };
    const d = decodeIdxFiles(files);
    expect(d.train.count).toBe(2);
    expect([...d.test!.labels]).toEqual([7]);
    const bad = { ...files, testLabels: f(idx([1], new Uint8Array([12])), '/d/t10k-labels') };
    expect(thrown(() => decodeIdxFiles(bad)).file).toBe('/d/t10k-labels');
  });
});

const DIR = '/usr/share/datasets/fashion-mnist';
describe.runIf(existsSync(`${DIR}/train-images-idx3-ubyte.gz`))('real Fashion-MNIST files', () => {
  const load = (name: string): LoadedFile => {
    const bytes = maybeGunzip(new Uint8Array(readFileSync(`${DIR}/${name}.gz`)), name);
    return { bytes, location: name, sha256: createHash('sha256').update(bytes).digest('hex') };
  };
  it('decode to the official data', () => {
    const files = {
      trainImages: load('train-images-idx3-ubyte'),
      trainLabels: load('train-labels-idx1-ubyte'),
      testImages: load('t10k-images-idx3-ubyte'),
      testLabels: load('t10k-labels-idx1-ubyte'),
    };
    expect(files.trainImages.sha256).toBe('c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888');
    expect(files.trainLabels.sha256).toBe('bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9');
    expect(files.testImages.sha256).toBe('5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b');
    expect(files.testLabels.sha256).toBe('0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34');
    const { train, test } = decodeIdxFiles(files);
    expect(train.count).toBe(60_000);
    expect(test!.count).toBe(10_000);
    let sum = 0;
    for (let i = 0; i < train.images.length; i++) sum += train.images[i]!;
    expect(sum / train.images.length / 255).toBeCloseTo(0.2860406, 7);
    expect(train.labels[0]).toBe(9);
    expect([...test!.labels.subarray(0, 3)]).toEqual([9, 2, 1]);
  });
});
