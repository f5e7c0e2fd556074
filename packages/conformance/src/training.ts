/**
 * Short seeded training runs through modelspec's own pipeline (spec loader,
 * compiler, training loop, the engine's optimizer hook), on whatever tfjs
 * backend is current: the kit runs them on the engine and on tfjs cpu.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { compileModel, createPluginHost, createSpecLoader, formatIssues, inputShapeOf, trainModel, trainOptionsFor, type EngineKind, type LoadedSpec, type PluginHost, type SpecLoader } from '@modelspec/core';
import { conformancePlugin, noiseDataset } from './plugin.js';

export const TRAINING_SPECS = ['mlp', 'cnn'] as const;
export type TrainingSpec = (typeof TRAINING_SPECS)[number];

export interface TrainingRun {
  /** The running mean training loss after every batch. */
  losses: number[];
  weights: { name: string; values: Float32Array }[];
}

const EXAMPLES = 64;
const CLASSES = 10;

let kit: { host: PluginHost; loader: SpecLoader } | undefined;
const kitSpecs = new Map<string, LoadedSpec>();

/** The kit's own spec (the training specs, and `run` for the backend suite's jobs), loaded once with the kit's plugin. */
export function loadKitSpec(which: TrainingSpec | 'run'): { host: PluginHost; loaded: LoadedSpec; file: string } {
  kit ??= (() => {
    const host = createPluginHost([{ plugin: conformancePlugin }]);
    return { host, loader: createSpecLoader(host.registries) };
  })();
  const file = `conformance-${which}.yaml`;
  let loaded = kitSpecs.get(file);
  if (!loaded) {
    const r = kit.loader.load(readFileSync(new URL(`../specs/${file}`, import.meta.url), 'utf8'), file);
    if (!r.ok) throw new Error(`the kit's own spec ${file} does not load:\n${formatIssues(r.issues)}`);
    kitSpecs.set(file, (loaded = r));
  }
  return { host: kit.host, loaded, file };
}

/** Trains the kit's spec on the current tfjs backend, with `engine`'s optimizer when it supplies one. */
export async function trainSpec(which: TrainingSpec, engine?: EngineKind): Promise<TrainingRun> {
  const { host, loaded } = loadKitSpec(which);
  const reg = host.registries;
  const { spec } = loaded;
  const shape = inputShapeOf(loaded);

  // the kit's dataset (a bright column per class): a model that learns moves its loss, so a wrong gradient shows
  const images = noiseDataset.decode(spec.data.dataset as never, {}).train;
  const n = Math.min(EXAMPLES, images.count);
  const x = tf.tidy(() => tf.div(tf.tensor(images.images.subarray(0, n * images.height * images.width), [n, ...shape], 'float32'), spec.data.preprocess.divideBy));
  const labels = Int32Array.from(images.labels.subarray(0, n));
  const y = spec.data.preprocess.labels === 'integer' ? tf.tensor1d(labels, 'int32') : tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES), 'float32'));

  const model = compileModel(spec, loaded.check.graph, reg);
  const opts = trainOptionsFor(spec, reg, {}, engine);
  const losses: number[] = [];
  try {
    await trainModel(model, { x, y }, null, { ...opts, progressEvery: 1, onBatch: (p) => losses.push(p.loss) });
    const weights = await Promise.all(model.weights.map(async (w) => ({ name: w.originalName, values: Float32Array.from((await w.read().data()) as Float32Array) })));
    return { losses, weights };
  } finally {
    opts.optimizer.dispose();
    model.dispose();
    tf.dispose([x, y]);
  }
}
