import * as tf from '@tensorflow/tfjs-core';
import { gunzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { decodeIdxImages, ModelspecError } from '@modelspec/core';
import { BoundedReadError, describeProblem, readFileBounded } from '@modelspec/backend-node';
import { composed } from '../compose.js';
import { resolveModel, verifyRunWeights } from '../model-location.js';
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

/** An input file, and what it decompresses to, is at most this: Fashion-MNIST's training images are 47 MB. */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;
const INPUT_HINT = 'predict takes a PNG image of the size the model takes (28x28 for these specs), or an IDX images file such as t10k-images-idx3-ubyte(.gz)';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The input's bytes: a regular file of sane size, refused before reading otherwise (a FIFO would hang, /dev/zero grow without end). */
async function readInput(file: string): Promise<Uint8Array> {
  try {
    return await readFileBounded(file, MAX_INPUT_BYTES);
  } catch (e) {
    if (!(e instanceof BoundedReadError)) throw e;
    throw new ModelspecError(e.problem.kind === 'missing' ? 'not-found' : 'bad-input', `${file}: ${describeProblem(e.problem)}`, e.problem.kind === 'missing' ? undefined : INPUT_HINT);
  }
}

/** The size a PNG declares in its header (IHDR, the first chunk), read before anything is decoded. */
function pngSize(bytes: Uint8Array, file: string): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new ModelspecError('bad-image', `${file}: not a readable PNG (no IHDR header where the PNG format puts it)`, INPUT_HINT);
  }
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** IDX bytes, gunzipped when gzip-compressed, never past MAX_INPUT_BYTES (a small .gz can hold gigabytes). */
function idxBytes(raw: Uint8Array, file: string): Uint8Array {
  let bytes = raw;
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = new Uint8Array(gunzipSync(raw, { maxOutputLength: MAX_INPUT_BYTES }));
    } catch (e) {
      const big = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw new ModelspecError('bad-input', `${file}: ${big ? `decompresses to more than ${MAX_INPUT_BYTES / 1024 ** 2} MiB` : `not a readable gzip file (${(e as Error).message})`}`, INPUT_HINT);
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    const start = [...bytes.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
    throw new ModelspecError('bad-input', `${file}: not a PNG image or an IDX images file (it starts with bytes [${start}])`, INPUT_HINT);
  }
  return bytes;
}

/** A PNG as 8-bit gray pixels; transparent pixels count as the black background Fashion-MNIST has. */
function pngPixels(bytes: Buffer, file: string): { pixels: Uint8Array; height: number; width: number } {
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (e) {
    throw new ModelspecError('bad-image', `${file}: not a readable PNG (${(e as Error).message})`, INPUT_HINT);
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
  await verifyRunWeights(model, where);
  const size = metadata.inputShape.reduce((a, b) => a * b, 1);
  const raw = await readInput(input);

  let images: Uint8Array[];
  let firstIndex = 0;
  if (PNG_SIGNATURE.every((b, i) => raw[i] === b)) {
    // the size from the header first: a 30000x30000 PNG is 5.9 GB decoded
    const { width, height } = pngSize(raw, input);
    if (width * height !== size) {
      throw new ModelspecError('bad-image', `${input}: the image is ${width}x${height}, the model takes ${size} pixels (${metadata.inputShape.join('x')})`, `resize it first, e.g. convert ${input} -resize 28x28! -colorspace Gray small.png`);
    }
    images = [pngPixels(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), input).pixels];
  } else {
    const idx = decodeIdxImages(idxBytes(raw, input), input, { hint: INPUT_HINT });
    if (idx.height * idx.width !== size) throw new ModelspecError('bad-input', `${input}: its images are ${idx.width}x${idx.height}, the model takes ${size} pixels (${metadata.inputShape.join('x')})`, INPUT_HINT);
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
