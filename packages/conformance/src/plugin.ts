/**
 * The kit's own plugin: a dataset that needs no files, so the backend suite
 * can run real jobs on any backend (a run store, a runner, a stop) without
 * putting files where the backend looks for them.
 */
import { Type } from '@sinclair/typebox';
import { defineDataset, definePlugin, PLUGIN_API_VERSION, type ImageSet } from '@modelspec/core';
import { generator } from './random.js';

const CLASSES = Array.from({ length: 10 }, (_, i) => `class${i}`);

/** Noise images with a brighter column per class (class c lights column 2c), so a small model learns something. */
function draw(count: number, height: number, width: number, seed: number): ImageSet {
  const next = generator(seed);
  const images = new Uint8Array(count * height * width);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % CLASSES.length;
    labels[i] = label;
    for (let p = 0; p < height * width; p++) {
      const column = p % width;
      images[i * height * width + p] = Math.floor(next() * 96) + (column === (2 * label) % width ? 150 : 0);
    }
  }
  return { images, labels, count, height, width };
}

export const noiseDataset = defineDataset({
  type: 'conformanceNoise',
  description: "The conformance kit's synthetic dataset: seeded noise images with a bright column per class, drawn from the params (no files).",
  params: Type.Object({
    train: Type.Optional(Type.Integer({ minimum: 10, maximum: 100_000, default: 96, description: 'Number of training images (image i has class i mod 10).' })),
    test: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 32, description: 'Number of test images; 0 for none.' })),
    height: Type.Optional(Type.Integer({ minimum: 4, maximum: 64, default: 8, description: 'Image height in pixels.' })),
    width: Type.Optional(Type.Integer({ minimum: 4, maximum: 64, default: 8, description: 'Image width in pixels.' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, default: 1, description: "The dataset's own seed: the same params give the same images." })),
  }),
  classNames: CLASSES,
  files: () => [],
  decode: (p) => {
    const h = p.height ?? 8;
    const w = p.width ?? 8;
    const seed = p.seed ?? 1;
    const test = p.test ?? 32;
    return { train: draw(p.train ?? 96, h, w, seed), test: test > 0 ? draw(test, h, w, seed + 1) : null };
  },
});

export const conformancePlugin = definePlugin({
  name: '@modelspec/conformance',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: "The conformance kit's synthetic dataset, for runs on any backend.",
  datasets: [noiseDataset],
});
