/**
 * Training parity of an engine with tfjs cpu on the engine benchmark's MLP
 * and CNN (core's buildThroughputModel): the same initial weights and batch,
 * a few Adam steps, the loss after each. Used by the GPU check and the tests.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildThroughputModel, mulberry32, type EngineKind, type ThroughputModel } from '@modelspec/core';

/** A synthetic batch and its labels, the same on every engine. */
export function syntheticBatch(kind: ThroughputModel, batch: number, seed = 7) {
  const next = mulberry32(seed);
  const shape = kind === 'mlp' ? [batch, 784] : [batch, 28, 28, 1];
  const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, next);
  const labels = Int32Array.from({ length: batch }, () => Math.floor(next() * 10));
  return { shape, x, labels };
}

async function trainLosses(kind: ThroughputModel, init: Float32Array[], steps: number, batch: number): Promise<number[]> {
  const m = buildThroughputModel(kind);
  m.setWeights(init.map((v, i) => tf.tensor(v, m.weights[i]!.shape as number[])));
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const d = syntheticBatch(kind, batch);
  const x = tf.tensor(d.x, d.shape);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(d.labels, 'int32'), 10));
  const losses: number[] = [];
  try {
    for (let s = 0; s < steps; s++) losses.push((await m.trainOnBatch(x, y)) as number);
  } finally {
    tf.dispose([x, y]);
    m.dispose();
  }
  return losses;
}

export interface Parity {
  /** The largest |engine − cpu| / |cpu| over the steps' losses. */
  worst: number;
  cpu: number[];
  engine: number[];
}

/** `steps` Adam steps at `batch` from the same seeded weights on cpu and on `engine`. Leaves `engine` active. */
export async function trainingParity(engine: EngineKind, kind: ThroughputModel, steps = 5, batch = 32): Promise<Parity> {
  await tf.setBackend('cpu');
  // Glorot-uniform kernels and zero biases, as Keras initializes them, but seeded: the same figures on every run
  const init = tf.tidy(() =>
    buildThroughputModel(kind).weights.map((w, i) => {
      const shape = w.shape as number[];
      if (shape.length === 1) return tf.zeros(shape);
      const field = shape.slice(0, -2).reduce((a, b) => a * b, 1);
      const limit = Math.sqrt(6 / (field * shape[shape.length - 2]! + field * shape[shape.length - 1]!));
      return tf.randomUniform(shape, -limit, limit, 'float32', 100 + i);
    }),
  );
  const values = await Promise.all(init.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(init);
  const cpu = await trainLosses(kind, values, steps, batch);
  await engine.activate();
  await tf.ready();
  const got = await trainLosses(kind, values, steps, batch);
  const worst = Math.max(...cpu.map((c, i) => Math.abs(got[i]! - c) / Math.max(Math.abs(c), 1e-12)));
  return { worst, cpu, engine: got };
}
