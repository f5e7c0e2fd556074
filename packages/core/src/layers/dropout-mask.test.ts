import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { DROPOUT_MASK_KERNEL, dropoutMask, dropoutMaskValues } from './dropout-mask.js';

describe('dropout masks', () => {
  it('drop about `rate` of the elements and scale the rest by 1 / (1 - rate)', () => {
    const m = dropoutMaskValues(200_000, 0.3, 7);
    const dropped = m.filter((v) => v === 0).length / m.length;
    expect(dropped).toBeGreaterThan(0.29);
    expect(dropped).toBeLessThan(0.31);
    expect(new Set(m)).toEqual(new Set([0, Math.fround(1 / 0.7)]));
  });

  it('are a function of (seed, index): the same seed gives the same mask, another seed another', () => {
    const a = dropoutMaskValues(10_000, 0.5, 1);
    expect(dropoutMaskValues(10_000, 0.5, 1)).toEqual(a);
    // A prefix of a longer mask is the shorter mask: chunked or threaded engines can make it in pieces.
    expect(dropoutMaskValues(20_000, 0.5, 1).subarray(0, 10_000)).toEqual(a);
    const b = dropoutMaskValues(10_000, 0.5, 2);
    const same = a.filter((v, i) => v === b[i]).length / a.length;
    expect(same).toBeGreaterThan(0.45);
    expect(same).toBeLessThan(0.55);
  });

  it('use an engine kernel when the engine registers one', async () => {
    await tf.setBackend('cpu');
    expect(Array.from(dropoutMask([4, 5], 0.25, 3).dataSync())).toEqual(Array.from(dropoutMaskValues(20, 0.25, 3)));
    tf.registerKernel({ kernelName: DROPOUT_MASK_KERNEL, backendName: 'cpu', kernelFunc: ({ backend, attrs }) => {
      const shape = (attrs as unknown as { shape: number[] }).shape;
      return (backend as unknown as { makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo }).makeTensorInfo(shape, 'float32', new Float32Array(shape[0]! * shape[1]!).fill(2));
    } });
    try {
      expect(Array.from(dropoutMask([2, 2], 0.5, 1).dataSync())).toEqual([2, 2, 2, 2]);
    } finally {
      tf.unregisterKernel(DROPOUT_MASK_KERNEL, 'cpu');
    }
  });
});
