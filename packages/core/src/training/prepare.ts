import * as tf from '@tensorflow/tfjs-core';
import type { DecodedDataset, ImageSet } from '../data/types.js';
import { sklearnSplit, tailSplit } from '../data/split.js';
import type { ResolvedModelSpec } from '../spec/schema.js';
import type { Examples } from './loop.js';

export interface PreparedData {
  train: Examples;
  val: Examples | null;
  test: Examples | null;
  counts: { train: number; validation: number; test: number };
}

export interface PrepareOptions {
  /** Use only the first N training images (before the validation split). */
  limit?: number;
  /** Use only the first N test images. */
  testLimit?: number;
}

/**
 * Images as the model takes them: pixels / divideBy as float32 (computed in
 * double then rounded, as numpy's `x / 255.0` followed by a float32 cast),
 * each image reshaped to the input shape; labels as int32 ids or one-hot rows.
 */
function examples(set: ImageSet, indices: ArrayLike<number> | null, inputShape: number[], divideBy: number, labels: 'integer' | 'oneHot', classes: number): Examples {
  const per = set.height * set.width;
  const n = indices ? indices.length : set.count;
  const x = new Float32Array(n * per);
  const y = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const i = indices ? indices[r]! : r;
    const src = set.images.subarray(i * per, (i + 1) * per);
    const off = r * per;
    if (divideBy === 1) for (let j = 0; j < per; j++) x[off + j] = src[j]!;
    else for (let j = 0; j < per; j++) x[off + j] = src[j]! / divideBy;
    y[r] = set.labels[i]!;
  }
  return tf.tidy(() => {
    const yi = tf.tensor1d(y, 'int32');
    return { x: tf.tensor(x, [n, ...inputShape], 'float32'), y: labels === 'integer' ? yi : tf.cast(tf.oneHot(yi, classes), 'float32') };
  });
}

const firstN = (set: ImageSet, n: number | undefined): ImageSet => {
  if (n === undefined || n >= set.count) return set;
  const per = set.height * set.width;
  return { ...set, count: n, images: set.images.subarray(0, n * per), labels: set.labels.subarray(0, n) };
};

export function prepareData(ds: DecodedDataset, spec: ResolvedModelSpec, inputShape: number[], classes: number, o: PrepareOptions = {}): PreparedData {
  const { divideBy, labels } = spec.data.preprocess;
  const trainSet = firstN(ds.train, o.limit);
  const testSet = ds.test ? firstN(ds.test, o.testLimit) : null;
  const v = spec.data.validation;
  let split: { train: Int32Array | null; validation: Int32Array | null };
  if (v.type === 'tail') split = tailSplit(trainSet.count, v.fraction);
  else if (v.type === 'random') split = sklearnSplit(trainSet.count, v.fraction, v.seed);
  else split = { train: null, validation: null };

  const make = (set: ImageSet, idx: Int32Array | null) => examples(set, idx, inputShape, divideBy, labels, classes);
  const train = make(trainSet, split.train);
  const test = testSet ? make(testSet, null) : null;
  let val: Examples | null = null;
  if (split.validation) val = make(trainSet, split.validation);
  else if (v.type === 'testSet') val = test;
  return {
    train,
    val,
    test,
    counts: { train: train.x.shape[0]!, validation: val?.x.shape[0] ?? 0, test: test?.x.shape[0] ?? 0 },
  };
}

export function disposeData(d: PreparedData): void {
  const seen = new Set<tf.Tensor>();
  for (const e of [d.train, d.val, d.test]) {
    if (!e) continue;
    for (const t of [e.x, e.y]) if (!seen.has(t)) (seen.add(t), t.dispose());
  }
}
