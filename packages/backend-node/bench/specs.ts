/**
 * The published specs (specs/*.yaml) as modelspec core loads, checks and
 * compiles them, and the time of their training steps on one engine.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  builtinRegistries, compileModel, createSpecLoader, inputShapeOf, sklearnSplit, tailSplit, trainModel, trainOptionsFor,
  type LoadedSpec, type Registries,
} from '@modelspec/core';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Engine } from '../src/engines/engine.js';

/** Training images before any validation split: Fashion-MNIST, MNIST and the Kaggle CSV all have 60,000. */
export const FULL_TRAIN = 60_000;

export interface PublishedSpec {
  file: string;
  name: string;
  loaded: LoadedSpec;
  batch: number;
  /** Training examples per epoch after the spec's validation split, and how they were counted. */
  trainExamples: number;
  split: string;
  stepsPerEpoch: number;
  /** modelspec's training-memory estimate (weights, gradients, optimizer slots, one batch of activations). */
  memoryEstimate: number;
}

export const registries: Registries = builtinRegistries();

function trainCount(v: LoadedSpec['spec']['data']['validation']): { n: number; split: string } {
  const fmt = (n: number) => n.toLocaleString('en-US');
  if (v.type === 'tail') {
    const n = tailSplit(FULL_TRAIN, v.fraction).train.length;
    return { n, split: `tail ${v.fraction} → ${fmt(n)}` };
  }
  if (v.type === 'random') {
    const n = sklearnSplit(FULL_TRAIN, v.fraction, v.seed).train.length;
    return { n, split: `random ${v.fraction} (seed ${v.seed}) → ${fmt(n)}` };
  }
  return { n: FULL_TRAIN, split: `${v.type} → ${fmt(FULL_TRAIN)}` };
}

/** Reads a spec's `extends` base, relative to the file that names it. */
export const readSpecFile = async (p: string, from: string) => {
  const abs = resolve(dirname(from), p);
  return { text: readFileSync(abs, 'utf8'), file: abs };
};

/** Every spec in `dir`, loaded like `modelspec train` loads it (`extends` resolved). */
export async function loadPublishedSpecs(dir: string): Promise<{ specs: PublishedSpec[]; failed: { file: string; reason: string }[] }> {
  const loader = createSpecLoader(registries);
  const specs: PublishedSpec[] = [];
  const failed: { file: string; reason: string }[] = [];
  for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const file = join(dir, name);
    const r = await loader.loadComposed(readFileSync(file, 'utf8'), file, readSpecFile);
    if (!r.ok) {
      failed.push({ file: name, reason: r.issues.filter((i) => i.severity === 'error').map((i) => i.message)[0] ?? 'does not load' });
      continue;
    }
    const batch = r.spec.training.batchSize;
    const { n, split } = trainCount(r.spec.data.validation);
    specs.push({
      file, name: basename(file).replace(/\.ya?ml$/, ''), loaded: r, batch, trainExamples: n, split,
      stepsPerEpoch: Math.ceil(n / batch), memoryEstimate: r.check.memory.totalBytes,
    });
  }
  return { specs, failed };
}

export interface StepTiming {
  secondsPerStep: number;
  steps: number;
  /** The one step timed was the first: it alone took longer than `maxSeconds`. */
  warmupOnly?: boolean;
}

/**
 * Trains the spec's model (compiled by core with the spec seed, the spec's
 * optimizer, loss, metrics and regularizers) through core's own training loop
 * on synthetic data shaped like the spec's input: up to `warmup` untimed
 * steps (one when a step is slow), then up to `maxSteps` timed ones (at least
 * one), stopping early after `maxSeconds`. A first step longer than
 * `maxSeconds` is the measurement itself (`warmupOnly`).
 */
export async function timeSpecSteps(s: PublishedSpec, engine: Engine, o: { warmup: number; maxSteps: number; maxSeconds: number }): Promise<StepTiming> {
  await engine.activate();
  const { spec, check } = s.loaded;
  const model = compileModel(spec, check.graph, registries);
  const classes = model.outputs[0]!.shape[1]!;
  // Enough examples for several steps without holding a whole epoch of synthetic data.
  const n = Math.min(s.trainExamples, Math.max(s.batch * 16, 8192));
  const x = tf.randomUniform([n, ...inputShapeOf(s.loaded)], 0, 255 / spec.data.preprocess.divideBy);
  const ids = tf.randomUniform([n], 0, classes, 'int32');
  const y = spec.data.preprocess.labels === 'integer' ? ids : tf.tidy(() => tf.cast(tf.oneHot(ids, classes), 'float32'));
  // Called by the loop before every batch. Warm-up: the first step, then more while fewer than
  // `warmup` and under a quarter of `maxSeconds`; then timed steps until `maxSteps` or `maxSeconds`.
  let calls = 0, warm = 0, start = 0, t0 = 0;
  let timing: StepTiming | null = null;
  const shouldStop = () => {
    const now = performance.now();
    calls++;
    if (calls === 1) start = now;
    if (calls === 2 && now - start >= o.maxSeconds * 1000) {
      timing = { secondsPerStep: (now - start) / 1000, steps: 1, warmupOnly: true };
      return true;
    }
    if (!t0) {
      if (calls === 1 || (calls <= o.warmup && now - start < (o.maxSeconds * 1000) / 4)) return false;
      t0 = now;
      warm = calls - 1;
      return false;
    }
    const steps = calls - warm - 1;
    if (steps >= o.maxSteps || now - t0 >= o.maxSeconds * 1000) {
      timing = { secondsPerStep: (now - t0) / 1000 / steps, steps };
      return true;
    }
    return false;
  };
  // the engine's optimizer where it supplies one (native's fused Adam), as `modelspec train` passes it
  const opts = { ...trainOptionsFor(spec, registries, { shouldStop }, engine), epochs: Number.MAX_SAFE_INTEGER, earlyStopping: null };
  try {
    await trainModel(model, { x, y }, null, opts);
  } finally {
    opts.optimizer.dispose();
    model.dispose();
    tf.dispose([x, ids, y]);
  }
  if (!timing) throw new Error('training stopped before the timed steps');
  return timing;
}
