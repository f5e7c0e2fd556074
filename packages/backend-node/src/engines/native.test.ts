/**
 * The native engine as a whole: probe/activate, determinism (run to run and
 * across thread counts), buffer-pool safety, the fused Adam update and a
 * short training run, all against tfjs cpu. Kernel-by-kernel checks are in
 * native-kernels.test.ts. Skipped, with the reason, when the addon is absent.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAddon, tryLoadAddon } from './native-addon.js';
import { fusedAdamStats } from './native-adam.js';
import type { NativeBackend } from './native-backend.js';
import { nativeEngine } from './native.js';

const load = loadAddon();
if (!load.ok) console.warn(`[native engine tests skipped] ${load.reason}. Fix: ${load.fix}`);

function rand(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  });
}

describe('native engine probe', () => {
  it('reports a missing or broken addon without throwing', async () => {
    const missing = tryLoadAddon('/nonexistent/modelspec_native.node');
    expect(missing.ok).toBe(false);
    if (!missing.ok) {
      expect(missing.reason).toMatch(/not built/);
      expect(missing.fix).toMatch(/libopenblas-dev/);
    }
    const notAnAddon = tryLoadAddon(fileURLToPath(import.meta.url));
    expect(notAnAddon.ok).toBe(false);
    if (!notAnAddon.ok) expect(notAnAddon.reason).toMatch(/failed to load/);
    const p = await nativeEngine.probe();
    expect(p.available).toBe(load.ok);
    if (!p.available) expect(p.fix).toBeTruthy();
  });
});

describe.skipIf(!load.ok)('native engine', () => {
  beforeAll(async () => {
    await nativeEngine.activate();
    await nativeEngine.activate(); // idempotent
    expect(tf.getBackend()).toBe('native');
  });
  // tfjs state is global: leave the default backend to whoever runs next
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  /** A small CNN step: conv, bias, relu, pool, dense, softmax cross-entropy, all gradients. */
  function cnnGrads(batch: number): Float32Array[] {
    return tf.tidy(() => {
      const x = tf.tensor4d(rand(batch * 28 * 28, 1), [batch, 28, 28, 1]);
      const w1 = tf.tensor4d(rand(9 * 32, 2), [3, 3, 1, 32]);
      const b1 = tf.tensor1d(rand(32, 3));
      const w2 = tf.tensor2d(rand(13 * 13 * 32 * 10, 4).map((v) => v * 0.05), [13 * 13 * 32, 10]);
      const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10);
      const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
        const h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, a as tf.Tensor4D, 1, 'valid'), b)) as tf.Tensor4D, 2, 2, 'valid');
        const logits = tf.matMul(tf.reshape(h, [batch, -1]), c as tf.Tensor2D);
        return tf.losses.softmaxCrossEntropy(labels, logits);
      };
      const { value, grads } = tf.valueAndGrads(loss)([w1, b1, w2]);
      return [value, ...grads].map((t) => t.dataSync() as Float32Array);
    }).map((a) => a.slice());
  }
  const bitsEqual = (a: Float32Array[], b: Float32Array[]) => {
    expect(a.length).toBe(b.length);
    a.forEach((x, i) => expect(Buffer.from(x.buffer).equals(Buffer.from(b[i]!.buffer)), `output ${i}`).toBe(true));
  };

  it('is bit-for-bit deterministic run to run and across thread counts', async () => {
    if (!load.ok) return;
    await tf.setBackend('native');
    const { addon, threads } = load.loaded;
    const first = cnnGrads(67);
    bitsEqual(cnnGrads(67), first);
    addon.setThreads(1);
    try {
      bitsEqual(cnnGrads(67), first);
    } finally {
      addon.setThreads(threads);
    }
    const mlp = () => tf.tidy(() => {
      const x = tf.tensor2d(rand(513 * 784, 9), [513, 784]);
      const w = tf.variable(tf.tensor2d(rand(784 * 300, 8).map((v) => v * 0.05), [784, 300]));
      const g = tf.variableGrads(() => tf.sum(tf.softmax(tf.relu(tf.matMul(x, w)))), [w]);
      const out = g.grads[w.name]!.dataSync().slice() as Float32Array;
      w.dispose();
      return [out];
    });
    bitsEqual(mlp(), mlp());
  });

  it('never recycles a buffer that was read or is still referenced', async () => {
    await tf.setBackend('native');
    const backend = tf.backend() as NativeBackend;
    const n = 1 << 16;
    const a = tf.tensor1d(rand(n, 11));
    // read out: the returned array must keep its values after dispose
    const y = tf.relu(a);
    const seen = y.dataSync() as Float32Array;
    const copy = seen.slice();
    y.dispose();
    // aliased by a cpu kernel: contiguous slice = subarray of the input's buffer
    const expected = tf.tidy(() => tf.exp(a).dataSync().slice(16, n - 16));
    const z = tf.exp(a);
    const zs = tf.slice(z, [16], [n - 32]); // not read before z is disposed
    z.dispose();
    const before = backend.poolStats.hits;
    for (let i = 0; i < 20; i++) tf.tidy(() => tf.sqrt(tf.abs(tf.neg(a))));
    expect(backend.poolStats.hits).toBeGreaterThan(before); // intermediates are recycled
    const changed = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).filter((v, i) => v !== y[i]).length;
    expect(changed(seen, copy), 'read-out array changed').toBe(0);
    expect(changed(zs.dataSync(), expected), 'slice of a disposed tensor changed').toBe(0);
    tf.dispose([a, zs]);
  });

  it('fused Adam matches tfjs Adam on cpu', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const w = tf.variable(tf.tensor2d(rand(300 * 70, 21), [300, 70]), true, `adamw_${backend}`);
        const b = tf.variable(tf.tensor1d(rand(70, 22)), true, `adamb_${backend}`);
        const x = tf.tensor2d(rand(16 * 300, 23), [16, 300]);
        // native: the engine's optimizer hook (the fused Adam); cpu: tfjs's own
        const opt = backend === 'native' ? nativeEngine.optimizer!('adam', { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 })! : tf.train.adam(0.01, 0.9, 0.999, 1e-7);
        for (let i = 0; i < 5; i++) opt.minimize(() => tf.mean(tf.square(tf.add(tf.matMul(x, w), b))) as tf.Scalar);
        const out = [w, b].map((v) => v.dataSync().slice() as Float32Array);
        tf.dispose([w, b]);
        opt.dispose();
        return out;
      });
    };
    const calls = fusedAdamStats.calls;
    const cpu = await run('cpu');
    const nat = await run('native');
    expect(fusedAdamStats.calls - calls).toBe(5);
    cpu.forEach((c, i) => c.forEach((v, j) => expect(Math.abs(nat[i]![j]! - v)).toBeLessThan(1e-5 + 1e-4 * Math.abs(v))));
  });

  it('updates weights in place only when nothing else can see them', async () => {
    await tf.setBackend('native');
    const w = tf.variable(tf.tensor2d(rand(64 * 40, 31), [64, 40]));
    const x = tf.tensor2d(rand(8 * 64, 32), [8, 64]);
    const opt = nativeEngine.optimizer!('adam', { learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 })!;
    const step = () => opt.minimize(() => tf.sum(tf.square(tf.matMul(x, w))) as tf.Scalar);
    step();
    step(); // from here the variable's buffer is one the fused Adam allocated
    const inPlace = fusedAdamStats.inPlace;
    step();
    expect(fusedAdamStats.inPlace).toBeGreaterThan(inPlace);
    // a clone shares the data id (refCount 2), a read-out array is exposed:
    // neither may change when the optimizer steps
    const clone = w.clone();
    const cloneBefore = (clone.dataSync() as Float32Array).slice();
    const read = w.dataSync() as Float32Array;
    const readBefore = read.slice();
    step();
    step();
    expect(Array.from(clone.dataSync()).every((v, i) => v === cloneBefore[i])).toBe(true);
    expect(Array.from(read).every((v, i) => v === readBefore[i])).toBe(true);
    expect(Array.from(w.dataSync()).some((v, i) => v !== readBefore[i])).toBe(true);
    tf.dispose([w, x, clone]);
    opt.dispose();
  });

  it('trains a small CNN like tfjs cpu (layers, Adam, categorical cross-entropy)', async () => {
    const train = async (backend: string) => {
      await tf.setBackend(backend);
      tf.util.assert(tf.getBackend() === backend, () => 'backend');
      const m = tfl.sequential();
      m.add(tfl.layers.conv2d({ inputShape: [12, 12, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' }));
      m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
      m.add(tfl.layers.flatten());
      m.add(tfl.layers.dense({ units: 16, activation: 'relu' }));
      m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
      // same initial weights on both backends
      m.setWeights(m.getWeights().map((w, i) => tf.tensor(rand(w.size, 100 + i).map((v) => v * 0.3), w.shape)));
      m.compile({ optimizer: tf.train.adam(0.005), loss: 'categoricalCrossentropy' });
      const x = tf.tensor4d(rand(24 * 144, 7).map(Math.abs), [24, 12, 12, 1]);
      const y = tf.oneHot(tf.tensor1d(Array.from({ length: 24 }, (_, i) => (i * 7) % 10), 'int32'), 10);
      const losses: number[] = [];
      for (let i = 0; i < 8; i++) losses.push(Number(await m.trainOnBatch(x, y)));
      const weights = m.getWeights().map((w) => w.dataSync().slice() as Float32Array);
      tf.dispose([x, y]);
      m.dispose();
      return { losses, weights };
    };
    const cpu = await train('cpu');
    const nat = await train('native');
    expect(nat.losses[7]!).toBeLessThan(nat.losses[0]!);
    nat.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu.losses[i]!))));
    nat.weights.forEach((w, i) => w.forEach((v, j) => expect(Math.abs(v - cpu.weights[i]![j]!)).toBeLessThan(2e-4)));
  });
});
