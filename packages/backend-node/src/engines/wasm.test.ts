import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { wasmEngine } from './wasm.js';

describe('wasm engine', () => {
  const before = tf.engine().backendName;
  afterAll(async () => {
    if (before) await tf.setBackend(before);
  });

  it('is available and describes itself', async () => {
    expect(await wasmEngine.probe()).toEqual({ available: true });
    expect(wasmEngine.description).not.toMatch(/lacks/i);
  });

  it('activates wasm with the training kernels, twice without harm', async () => {
    await wasmEngine.activate();
    const filterGrad = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    const matMul = tf.getKernel('BatchMatMul', 'wasm');
    await wasmEngine.activate();
    expect(tf.getBackend()).toBe('wasm');
    expect(filterGrad).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(filterGrad);
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(matMul);
  });

  it('trains a small CNN a step', async () => {
    await wasmEngine.activate();
    const m = tfl.sequential();
    m.add(tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tfl.layers.flatten());
    m.add(tfl.layers.dense({ units: 3, activation: 'softmax' }));
    const x = tf.randomUniform([2, 8, 8, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);
    const opt = tf.train.sgd(0.1);
    const kernel = m.getWeights()[0]!.clone();
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, m.apply(x) as tf.Tensor), true)!;
    expect(Number.isFinite((await loss.data())[0])).toBe(true);
    expect(tf.any(tf.notEqual(m.getWeights()[0]!, kernel)).dataSync()[0]).toBe(1);
    tf.dispose([x, y, loss, kernel]);
    m.dispose();
  });
});
