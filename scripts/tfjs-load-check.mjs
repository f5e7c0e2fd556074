#!/usr/bin/env node
// Loads modelspec's saved models with nothing but @tensorflow/tfjs (as any
// tfjs user would) and prints the classes they predict for the first images of
// their test set, one JSON line per run folder:
//   node scripts/tfjs-load-check.mjs <run folder>... [--count N]
// No modelspec package is imported: the model files and their metadata alone
// must be enough.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const at = args.indexOf('--count');
const count = at >= 0 ? Number(args.splice(at, 2)[1]) : 16;

/** The first `n` images of an IDX3 file (gzip or not), as uint8 pixels. */
function idxImages(path, n) {
  let b = readFileSync(path);
  if (b[0] === 0x1f && b[1] === 0x8b) b = gunzipSync(b);
  const dims = b[3];
  const shape = Array.from({ length: dims }, (_, i) => b.readUInt32BE(4 + 4 * i));
  const per = shape.slice(1).reduce((a, d) => a * d, 1);
  const take = Math.min(n, shape[0]);
  return { pixels: b.subarray(4 + 4 * dims, 4 + 4 * dims + take * per), count: take, per };
}

for (const run of args) {
  const json = JSON.parse(readFileSync(join(run, 'model', 'model.json'), 'utf8'));
  const weightData = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(run, 'model', p))));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    }),
  );
  const meta = json.userDefinedMetadata.modelspec;
  const env = JSON.parse(readFileSync(join(run, 'environment.json'), 'utf8'));
  const images = idxImages(env.dataset.files.testImages.location, count);
  const predicted = tf.tidy(() => {
    const x = tf.div(tf.tensor(images.pixels, [images.count, images.per], 'float32'), meta.preprocess.divideBy).reshape([images.count, ...meta.inputShape]);
    return Array.from(tf.argMax(model.predict(x), -1).dataSync());
  });
  const layerClasses = [...new Set(json.modelTopology.config.layers.map((l) => l.class_name))];
  console.log(JSON.stringify({ run, spec: meta.spec.name, images: env.dataset.files.testImages.location, layerClasses, predicted }));
  model.dispose();
}
