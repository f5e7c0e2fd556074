import { describe, expect, it } from 'vitest';
import { loadDataset, type DataSource } from '@modelspec/core';
import { bars, BARS_CLASSES, drawBars } from './index.js';

const defaults = { height: 28, width: 28, noise: 0.25, seed: 1 };

/** A data source with nothing in it: a dataset that draws its images must never ask. */
const noFiles: DataSource = {
  readRaw: async (_d, _p, r) => {
    throw new Error(`asked for ${r.name}`);
  },
  sha256: async () => {
    throw new Error('nothing to hash');
  },
};

describe('example/bars', () => {
  it('loads through modelspec with no files at all', async () => {
    const r = await loadDataset(bars, { train: 30, test: 20, ...defaults }, noFiles);
    expect(r.files).toEqual({});
    expect(r.classNames).toEqual(BARS_CLASSES);
    expect(r.dataset.train).toMatchObject({ count: 30, height: 28, width: 28 });
    expect(r.dataset.train.images).toHaveLength(30 * 28 * 28);
    expect(Array.from(r.dataset.train.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(r.dataset.test!.count).toBe(20);
    expect(bars.decode({ train: 10, test: 0, ...defaults }, {}).test).toBeNull();
  });

  it('draws the same images from the same params, and others from another seed', () => {
    const a = drawBars(50, defaults, 1);
    expect(drawBars(50, defaults, 1)).toEqual(a);
    expect(drawBars(50, { ...defaults, seed: 2 }, 1).images).not.toEqual(a.images);
    // pinned: a change to the drawing changes every run made on it
    let h = 0;
    for (const v of a.images) h = (Math.imul(h, 31) + v) >>> 0;
    expect(h).toMatchInlineSnapshot(`3741165233`);
  });

  it('keeps the test set when the number of training images changes', () => {
    const one = bars.decode({ train: 20, test: 10, ...defaults }, {});
    const two = bars.decode({ train: 40, test: 10, ...defaults }, {});
    expect(two.test).toEqual(one.test);
    expect(two.train.images.subarray(0, 20 * 784)).toEqual(one.train.images);
  });

  it('draws a horizontal bar brighter along its row than across it', () => {
    const img = drawBars(1, { ...defaults, noise: 0 }, 1); // class 0: 0deg
    const at = (x: number, y: number) => img.images[y * 28 + x]!;
    // some row is bright at two columns 7 pixels apart; no column is bright at two such rows
    const row = Math.max(...Array.from({ length: 28 }, (_, y) => Math.min(at(10, y), at(17, y))));
    const col = Math.max(...Array.from({ length: 28 }, (_, x) => Math.min(at(x, 10), at(x, 17))));
    expect(row).toBeGreaterThan(100);
    expect(col).toBe(0);
  });
});
