import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from './wasm-training-kernels.js';
import { buildThroughputModel, type ThroughputModel } from './throughput-models.js';

/**
 * Training throughput on wasm, before and after registerWasmTrainingKernels,
 * and on cpu. A measurement, not a test: skipped unless asked for,
 *
 *   MODELSPEC_WASM_BENCH=1 npx vitest run src/engines-wasm/wasm-training-throughput.test.ts   (in packages/core)
 *
 * Fashion-MNIST shapes, synthetic data, batch 32, Adam, one optimizer.minimize
 * per step (as core's training loop), 3 warm-up steps then 20 timed.
 * Stock wasm cannot train the CNN (no Conv2DBackpropFilter).
 */
const enabled = !!(globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env['MODELSPEC_WASM_BENCH'];

type Kind = ThroughputModel;
const build = buildThroughputModel;

async function samplesPerSecond(backend: string, kind: Kind, batch = 32, steps = 20): Promise<number> {
  await tf.setBackend(backend);
  const model = build(kind);
  const opt = tf.train.adam(1e-3);
  const x = tf.randomUniform(kind === 'mlp' ? [batch, 784] : [batch, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
  const step = async () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true)!;
    await loss.data();
    loss.dispose();
  };
  for (let i = 0; i < 3; i++) await step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([x, y]);
  opt.dispose();
  model.dispose();
  return (steps * batch) / seconds;
}

describe.skipIf(!enabled)('wasm training throughput (MODELSPEC_WASM_BENCH=1)', () => {
  it('measures samples/s', { timeout: 600_000 }, async () => {
    const rows: string[] = [];
    const row = (label: string, v: number) => rows.push(`${label.padEnd(44)} ${v.toFixed(0).padStart(6)} samples/s`);
    row('mlp 784-512-256-10, wasm, stock', await samplesPerSecond('wasm', 'mlp'));
    registerWasmTrainingKernels(tf);
    row('mlp 784-512-256-10, wasm + training kernels', await samplesPerSecond('wasm', 'mlp'));
    row('mlp 784-512-256-10, cpu', await samplesPerSecond('cpu', 'mlp'));
    row('cnn conv32-pool-128-10, wasm + training kernels', await samplesPerSecond('wasm', 'cnn'));
    row('cnn conv32-pool-128-10, cpu', await samplesPerSecond('cpu', 'cnn'));
    console.log(`batch 32, 20 steps after 3 warm-up:\n${rows.join('\n')}`);
    expect(rows).toHaveLength(5);
  });
});
