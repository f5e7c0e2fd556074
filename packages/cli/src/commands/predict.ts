import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { decodeIdxImages, maybeGunzip, ModelspecError } from '@modelspec/core';
import { composed } from '../compose.js';
import { resolveModel } from '../model-location.js';
import { shown } from '../spec-files.js';
import type { Io } from '../io.js';

interface PredictOptions {
  index: number;
  count: number;
  top: number;
  invert?: boolean;
  json?: boolean;
  engine?: string;
}

/** A PNG as 8-bit gray pixels; transparent pixels count as the black background Fashion-MNIST has. */
function pngPixels(bytes: Buffer, file: string): { pixels: Uint8Array; height: number; width: number } {
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (e) {
    throw new ModelspecError('bad-image', `${file}: not a readable PNG (${(e as Error).message})`);
  }
  const pixels = new Uint8Array(png.width * png.height);
  for (let i = 0; i < pixels.length; i++) {
    const [r, g, b, a] = [png.data[4 * i]!, png.data[4 * i + 1]!, png.data[4 * i + 2]!, png.data[4 * i + 3]!];
    pixels[i] = Math.round(((0.299 * r + 0.587 * g + 0.114 * b) * a) / 255);
  }
  return { pixels, height: png.height, width: png.width };
}

export async function predictCommand(location: string, input: string, o: PredictOptions, io: Io): Promise<number> {
  const where = await resolveModel(location);
  const backend = composed().backend(where.specDir);
  await backend.prepare(o.engine ? { engine: o.engine } : {});
  const { model, metadata } = await backend.loadModel(where.modelDir);
  const size = metadata.inputShape.reduce((a, b) => a * b, 1);
  const raw = await readFile(input).catch(() => {
    throw new ModelspecError('not-found', `${input}: no such file`);
  });

  let images: Uint8Array[];
  let firstIndex = 0;
  if (raw.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    const img = pngPixels(raw, input);
    if (img.height * img.width !== size) {
      throw new ModelspecError('bad-image', `${input}: the image is ${img.width}x${img.height}, the model takes ${size} pixels (${metadata.inputShape.join('x')})`, `resize it first, e.g. convert ${input} -resize 28x28! -colorspace Gray small.png`);
    }
    images = [img.pixels];
  } else {
    const idx = decodeIdxImages(maybeGunzip(new Uint8Array(raw), input), input);
    if (o.index >= idx.count) throw new ModelspecError('bad-index', `${input} has ${idx.count} images; --index ${o.index} is past the end`);
    const per = idx.height * idx.width;
    const n = Math.min(o.count, idx.count - o.index);
    images = Array.from({ length: n }, (_, k) => idx.data.subarray((o.index + k) * per, (o.index + k + 1) * per));
    firstIndex = o.index;
  }

  const x = new Float32Array(images.length * size);
  images.forEach((img, k) => {
    for (let j = 0; j < size; j++) x[k * size + j] = (o.invert ? 255 - img[j]! : img[j]!) / metadata.preprocess.divideBy;
  });
  const probs = tf.tidy(() => model.predict(tf.tensor(x, [images.length, ...metadata.inputShape])) as tf.Tensor);
  const p = (await probs.data()) as Float32Array;
  probs.dispose();
  model.dispose();
  const k = metadata.classNames.length;
  const results = images.map((_, i) => {
    const row = Array.from(p.subarray(i * k, (i + 1) * k));
    const ranked = row.map((v, c) => ({ class: metadata.classNames[c]!, id: c, probability: v })).sort((a, b) => b.probability - a.probability);
    return { index: firstIndex + i, predicted: ranked[0]!.class, predictedId: ranked[0]!.id, top: ranked.slice(0, o.top) };
  });
  if (o.json) {
    io.out(JSON.stringify({ model: shown(where.modelDir), input, results }, null, 2));
    return 0;
  }
  for (const r of results) {
    io.out(`${images.length > 1 || firstIndex ? `#${r.index} ` : ''}${r.predicted}`);
    for (const t of r.top) io.out(`  ${t.class.padEnd(14)} ${(t.probability * 100).toFixed(1).padStart(5)}%`);
  }
  return 0;
}
