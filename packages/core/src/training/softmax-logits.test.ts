import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinLosses, EPS } from '../components/losses.js';
import { forward, softmaxOutputLayer } from './softmax-logits.js';

const sparse = { kind: builtinLosses.sparseCategoricalCrossentropy as never, params: { fromLogits: false } };
const categorical = { kind: builtinLosses.categoricalCrossentropy as never, params: { fromLogits: false, labelSmoothing: 0 } };

/** 4 inputs -> 3 classes; `scale` blows the logits up until the softmax saturates. */
function model(activation: 'softmax' | 'linear', scale: number, separateActivation = false): tfl.LayersModel {
  const input = tfl.input({ shape: [4] });
  const dense = tfl.layers.dense({ units: 3, activation: separateActivation ? 'linear' : activation, kernelInitializer: 'ones' });
  let out = dense.apply(input) as tfl.SymbolicTensor;
  if (separateActivation) out = tfl.layers.activation({ activation }).apply(out) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: input, outputs: out });
  const [, b] = dense.getWeights();
  dense.setWeights([tf.mul(tf.tensor2d([[1, -1, 0.5], [0.2, 0.3, -0.4], [-1, 2, 0], [0.5, 0.1, 0.3]]), scale), tf.zerosLike(b!)]);
  return m;
}
const x = () => tf.tensor2d([[1, 2, 3, 4], [-1, 0.5, 2, -3]]);

describe('cross-entropy from the logits of a softmax output (Keras semantics)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives the model\'s own output and the same loss as the probability path while nothing saturates', () => {
    for (const separate of [false, true]) {
      const m = model('softmax', 0.1, separate);
      tf.tidy(() => {
        const f = forward(m, x(), false, sparse);
        const p = m.predict(x()) as tf.Tensor;
        expect(Array.from(f.pred.dataSync())).toEqual(Array.from(p.dataSync()));
        const y = tf.tensor1d([2, 0], 'int32');
        expect(f.loss(y).dataSync()[0]).toBeCloseTo(sparse.kind.compute(sparse.params as never, y, p).dataSync()[0]!, 5);
        const oh = tf.cast(tf.oneHot(y, 3), 'float32');
        expect(forward(m, x(), false, categorical).loss(oh).dataSync()[0]).toBeCloseTo(categorical.kind.compute(categorical.params as never, oh, p).dataSync()[0]!, 5);
      });
      // the output layer has its softmax back
      expect(m.predict(x()) as tf.Tensor).toBeDefined();
      expect((m.outputLayers[0] as unknown as { activation: { getClassName(): string } }).activation.getClassName()).toBe('softmax');
    }
  });

  it('keeps the loss and its gradient where the clipped probability path loses both', () => {
    const m = model('softmax', 30);
    const y = tf.tensor1d([2, 0], 'int32'); // classes the saturated softmax gives ~0
    const kernel = m.layers[1]!.trainableWeights[0]!.read() as tf.Variable;
    tf.tidy(() => {
      const p = m.predict(x()) as tf.Tensor;
      const clipped = sparse.kind.compute(sparse.params as never, y, p).dataSync()[0]!;
      expect(clipped).toBeCloseTo(-Math.log(EPS), 1); // stuck at the clip: -log(1e-7) = 16.1
      const { value, grads } = tf.variableGrads(() => forward(m, x(), true, sparse).loss(y), [kernel as tf.Variable]);
      expect(value.dataSync()[0]).toBeGreaterThan(50); // the real cross-entropy
      expect(tf.max(tf.abs(Object.values(grads)[0]!)).dataSync()[0]).toBeGreaterThan(0.1);
      const clippedGrad = tf.variableGrads(() => sparse.kind.compute(sparse.params as never, y, m.apply(x(), { training: true }) as tf.Tensor), [kernel as tf.Variable]);
      expect(tf.max(tf.abs(Object.values(clippedGrad.grads)[0]!)).dataSync()[0]).toBe(0);
    });
  });

  it('leaves a linear output, and a loss told the outputs are logits, alone', () => {
    expect(softmaxOutputLayer(model('linear', 1), sparse)).toBeNull(); // experiment E's "additional layers" bug stays a bug
    expect(softmaxOutputLayer(model('softmax', 1), { ...sparse, params: { fromLogits: true } })).toBeNull();
    expect(softmaxOutputLayer(model('softmax', 1), { kind: builtinLosses.meanSquaredError as never, params: {} })).toBeNull();
    expect(softmaxOutputLayer(model('softmax', 1), sparse)).not.toBeNull();
    expect(softmaxOutputLayer(model('softmax', 1, true), categorical)).not.toBeNull();
  });

  it('puts the softmax back when the model throws', () => {
    const m = model('softmax', 1);
    expect(() => tf.tidy(() => forward(m, tf.zeros([2, 5]), false, sparse))).toThrow();
    expect((m.outputLayers[0] as unknown as { activation: { getClassName(): string } }).activation.getClassName()).toBe('softmax');
  });
});
