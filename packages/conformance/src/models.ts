import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { firstBitDifference, fmt } from './compare.js';

/**
 * Whether `b` is `a` saved and loaded: every weight and a batch of
 * predictions bit for bit (read asynchronously: some backends, webgpu in
 * Node, cannot read synchronously). Throws naming the first difference.
 */
export async function compareModels(what: string, a: tfl.LayersModel, b: tfl.LayersModel): Promise<void> {
  if (a.weights.length !== b.weights.length) throw new Error(`${what}: ${b.weights.length} weights, ${a.weights.length} before`);
  for (let i = 0; i < a.weights.length; i++) {
    const x = (await a.weights[i]!.read().data()) as Float32Array;
    const y = (await b.weights[i]!.read().data()) as Float32Array;
    const j = firstBitDifference(x, y);
    if (j >= 0) throw new Error(`${what}: weight ${a.weights[i]!.originalName} element ${j} is ${fmt(y[j]!)}, ${fmt(x[j]!)} before`);
  }
  const shape = (a.inputs[0]!.shape as (number | null)[]).map((d) => d ?? 5);
  const x = tf.randomUniform(shape, 0, 1, 'float32', 5);
  const pa = a.predict(x) as tf.Tensor;
  const pb = b.predict(x) as tf.Tensor;
  try {
    const [p, q] = (await Promise.all([pa.data(), pb.data()])) as Float32Array[];
    const j = firstBitDifference(p!, q!);
    if (j >= 0) throw new Error(`${what}: prediction element ${j} is ${fmt(q![j]!)}, ${fmt(p![j]!)} before`);
  } finally {
    tf.dispose([x, pa, pb]);
  }
}
