import * as tf from '@tensorflow/tfjs-core';

/**
 * The kernel an engine may register to make dropout masks natively. Inputs:
 * none; attrs: `{ shape, rate, seed }`; output: float32 of `shape` holding
 * 0 or 1 / (1 - rate). It must produce the same values as `dropoutMaskValues`
 * (so a seed gives the same masks on every engine).
 */
export const DROPOUT_MASK_KERNEL = 'ModelspecDropoutMask';

/**
 * A counter-based generator: element i of a mask is a hash of (seed, i), so
 * masks are the same whatever engine, thread count or chunking makes them,
 * and cost a few integer operations per element instead of tfjs's
 * seedrandom loop plus three tensor ops.
 */
export function dropoutMaskValues(size: number, rate: number, seed: number, out = new Float32Array(size)): Float32Array {
  const keep = 1 / (1 - rate);
  // Keep when the 32-bit hash is >= rate * 2^32 (P(keep) = 1 - rate).
  const threshold = Math.min(0xffffffff, Math.floor(rate * 4294967296));
  const s = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  for (let i = 0; i < size; i++) {
    let h = (s ^ Math.imul(i, 0xcc9e2d51)) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    out[i] = h >>> 0 >= threshold ? keep : 0;
  }
  return out;
}

/** A dropout mask for the current engine: its native kernel when it has one, else the portable loop. */
export function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  if (tf.getKernel(DROPOUT_MASK_KERNEL, tf.getBackend())) {
    return tf.engine().runKernel(DROPOUT_MASK_KERNEL, {}, { shape, rate, seed } as never) as tf.Tensor;
  }
  return tf.tensor(dropoutMaskValues(shape.reduce((a, b) => a * b, 1), rate, seed), shape, 'float32');
}
