import { Type } from '@sinclair/typebox';
import { defineDataset, mulberry32, type ImageSet } from '@modelspec/core';

/**
 * cos and sin of 0°, 18°, ..., 162° as literals: Math.sin and Math.cos may
 * differ in the last bit between JavaScript engines, and the same params must
 * give the same images in Node and in every browser. Everything below is
 * + - * / on doubles, which IEEE 754 fixes exactly.
 */
const C18 = 0.9510565162951535;
const S18 = 0.3090169943749474;
const C36 = 0.8090169943749475;
const S36 = 0.5877852522924731;
const DIRECTIONS: readonly (readonly [number, number])[] = [
  [1, 0],
  [C18, S18],
  [C36, S36],
  [S36, C36],
  [S18, C18],
  [0, 1],
  [-S18, C18],
  [-S36, C36],
  [-C36, S36],
  [-C18, S18],
];

export const BARS_CLASSES = DIRECTIONS.map((_, c) => `${c * 18}deg`);

/** core's mulberry32: a small seeded generator, the same numbers everywhere. */
const generator = mulberry32;

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

interface BarsParams {
  height: number;
  width: number;
  noise: number;
  seed: number;
}

/**
 * `count` images, image i of class i mod 10: a bright bar through a jittered
 * centre at the class's angle (counter-clockwise from horizontal), of random
 * length, thickness and brightness, anti-aliased, over uniform noise.
 */
export function drawBars(count: number, p: BarsParams, stream: number): ImageSet {
  const { height: h, width: w } = p;
  const rand = generator(Math.imul(p.seed ^ 0x9e3779b9, 0x85ebca6b) + stream);
  const images = new Uint8Array(count * h * w);
  const labels = new Uint8Array(count);
  const short = Math.min(h, w);
  for (let i = 0; i < count; i++) {
    const label = i % DIRECTIONS.length;
    const [cos, sin] = DIRECTIONS[label]!;
    const cx = w / 2 + (rand() - 0.5) * short * 0.2;
    const cy = h / 2 + (rand() - 0.5) * short * 0.2;
    const halfLength = short * (0.25 + rand() * 0.15);
    const halfWidth = 0.75 + rand() * 0.75;
    const brightness = 160 + rand() * 95;
    const base = i * h * w;
    for (let y = 0; y < h; y++) {
      // image rows grow downwards: a counter-clockwise angle goes up
      const ry = cy - (y + 0.5);
      for (let x = 0; x < w; x++) {
        const rx = x + 0.5 - cx;
        const along = rx * cos + ry * sin;
        const across = ry * cos - rx * sin;
        const cover = clamp01(halfWidth + 0.5 - Math.abs(across)) * clamp01(halfLength + 0.5 - Math.abs(along));
        const v = brightness * cover + rand() * p.noise * 255;
        images[base + y * w + x] = v >= 255 ? 255 : Math.round(v);
      }
    }
    labels[i] = label;
  }
  return { images, labels, count, height: h, width: w };
}

/**
 * A dataset kind that needs no files: its images are drawn from its params,
 * so `files()` asks for nothing and `decode()` receives no bytes. The same
 * params give the same images on every machine; the run seed plays no part.
 */
export const bars = defineDataset({
  type: 'bars',
  description:
    'Synthetic 28x28 grayscale images of a bar at one of 10 angles (0°, 18°, ..., 162°), jittered and noisy, drawn from the params: no download, the same images everywhere.',
  params: Type.Object({
    train: Type.Optional(Type.Integer({ minimum: 10, maximum: 1_000_000, default: 6000, description: 'Number of training images (image i has class i mod 10).' })),
    test: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 1000, description: 'Number of test images; 0 for no test set.' })),
    noise: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.25, description: 'Amplitude of the uniform background noise, as a fraction of full brightness.' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, default: 1, description: "The dataset's own seed (not the run seed): the same seed and params give the same images." })),
    height: Type.Optional(Type.Integer({ minimum: 8, maximum: 256, default: 28, description: 'Image height in pixels.' })),
    width: Type.Optional(Type.Integer({ minimum: 8, maximum: 256, default: 28, description: 'Image width in pixels.' })),
  }),
  classNames: BARS_CLASSES,
  files: () => [],
  decode: (p) => {
    const q = { height: p.height ?? 28, width: p.width ?? 28, noise: p.noise ?? 0.25, seed: p.seed ?? 1 };
    // Separate streams: changing the number of training images leaves the test set as it is.
    const test = p.test ?? 1000;
    return { train: drawBars(p.train ?? 6000, q, 1), test: test > 0 ? drawBars(test, q, 2) : null };
  },
});
