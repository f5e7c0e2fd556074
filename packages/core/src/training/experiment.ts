import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Backend, EngineStatus } from '../backend/backend.js';
import type { EngineKind } from '../engine/engine.js';
import type { TrainState } from './state.js';
import type { LoadedSpec } from '../spec/load.js';
import type { Registries } from '../spec/registries.js';
import type { ResolvedModelSpec } from '../spec/schema.js';
import { compileModel } from '../compile/compile.js';
import { loadDataset } from '../data/load.js';
import { RandomState } from '../data/mt19937.js';
import { deriveSeed } from '../random.js';
import { confusionMatrix } from '../eval/confusion.js';
import { classificationReport, type ClassificationReport } from '../eval/report.js';
import { ModelspecError } from '../errors.js';
import type { ImageSet } from '../data/types.js';
import { evaluateExamples, trainModel, type BatchProgress, type EpochRecord, type Examples, type StopReason, type TrainOptions } from './loop.js';
import { disposeData, prepareData, type PrepareOptions } from './prepare.js';
import { forward } from './softmax-logits.js';

export interface Prediction {
  index: number;
  label: number;
  predicted: number;
  probabilities: number[];
  /** The raw 0..255 pixels of the image, base64 (height x width, row-major), for report grids. */
  pixels?: string;
  height?: number;
  width?: number;
}

/** Raw uint8 pixels as base64, with no Node or DOM dependency beyond the universal `btoa`. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function attachPixels(predictions: Prediction[], set: ImageSet | null | undefined): void {
  if (!set) return;
  const per = set.height * set.width;
  for (const p of predictions) {
    p.pixels = toBase64(set.images.subarray(p.index * per, (p.index + 1) * per));
    p.height = set.height;
    p.width = set.width;
  }
}

export interface TestEvaluation {
  /** loss and every spec metric on the test set. */
  values: Record<string, number>;
  confusion: number[][];
  report: ClassificationReport;
  /** The first `outputs.predictions` test examples, for the report grid. */
  predictions: Prediction[];
}

export interface ExperimentResult {
  spec: ResolvedModelSpec;
  engine: EngineStatus;
  classNames: string[];
  inputShape: number[];
  data: { files: Record<string, { location: string; sha256: string }>; counts: { train: number; validation: number; test: number } };
  history: EpochRecord[];
  stopReason: StopReason;
  weightsFromEpoch: number;
  test: TestEvaluation | null;
  /** SHA-256 of every weight's bytes in order: equal hashes mean identical models. */
  weightsSha256: string;
  seconds: { data: number; train: number; evaluate: number };
  model: tfl.LayersModel;
}

export interface ExperimentHooks {
  onEngine?(engine: EngineStatus, fellBackFrom?: { name: string; reason: string }): void;
  /** Data is loaded and checked: the run is about to start (create run folders here, not earlier). */
  onStart?(info: { spec: ResolvedModelSpec; engine: EngineStatus; counts: ExperimentResult['data']['counts']; files: ExperimentResult['data']['files'] }): Promise<void> | void;
  onBatch?(p: BatchProgress): void;
  /** After each epoch, with the training state as it stands (read out only when called). */
  onEpoch?(r: EpochRecord, state: (() => Promise<TrainState>) | null): Promise<void> | void;
  /** A stop asked for mid-epoch: the state at the end of the current batch. */
  onInterrupt?(state: () => Promise<TrainState>): Promise<void> | void;
  shouldStop?(): boolean;
}

export interface ExperimentOptions extends PrepareOptions {
  engine?: string;
  /** Go on from a checkpoint instead of from the initial weights. */
  resume?: TrainState | null;
}

/** The spec's optimizer: the engine's own implementation when it offers one (native's fused Adam), else the registry's. */
export function buildOptimizer(spec: ResolvedModelSpec, reg: Registries, engine?: EngineKind): tf.Optimizer {
  const o = spec.training.optimizer as unknown as { type: string } & Record<string, unknown>;
  return engine?.optimizer?.(o.type, o) ?? reg.optimizers.get(o.type)!.build(o as never);
}

/** Whether the current engine has every kernel training this model needs: one step on a throwaway copy. */
function canTrain(loaded: LoadedSpec, reg: Registries, inputShape: number[], classes: number, engine?: EngineKind): string | null {
  const { spec } = loaded;
  const model = compileModel(spec, loaded.check.graph, reg);
  const optimizer = buildOptimizer(spec, reg, engine);
  const loss = reg.losses.get(spec.training.loss.type)!;
  try {
    tf.tidy(() => {
      const x = tf.zeros([2, ...inputShape]);
      const y = spec.data.preprocess.labels === 'integer' ? tf.zeros([2], 'int32') : tf.cast(tf.oneHot(tf.zeros([2], 'int32'), classes), 'float32');
      optimizer.minimize(() => forward(model, x, true, { kind: loss, params: spec.training.loss as never }).loss(y), false);
    });
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

async function sha256OfWeights(model: tfl.LayersModel, hash: (b: Uint8Array) => Promise<string>): Promise<string> {
  const parts = await Promise.all(model.weights.map(async (w) => new Uint8Array(((await w.read().data()) as Float32Array).slice().buffer)));
  const total = parts.reduce((a, p) => a + p.length, 0);
  const all = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  return hash(all);
}

/** Loss, metrics, confusion matrix, classification report and the first predictions on a test set. */
export async function evaluateTestSet(model: tfl.LayersModel, test: Examples, spec: ResolvedModelSpec, reg: Registries, classNames: string[]): Promise<TestEvaluation> {
  const lossSpec = spec.training.loss as unknown as { type: string } & Record<string, unknown>;
  const ev = await evaluateExamples(
    model,
    test,
    {
      loss: { kind: reg.losses.get(lossSpec.type)!, params: lossSpec },
      metrics: spec.training.metrics.map((name) => ({ name, kind: reg.metrics.get(name)! })),
      labels: spec.data.preprocess.labels,
      batchSize: Math.max(256, spec.training.batchSize),
    },
    true,
  );
  const ids = tf.tidy(() => (spec.data.preprocess.labels === 'integer' ? tf.cast(test.y, 'int32') : tf.argMax(test.y, -1)));
  const yTrue = (await ids.data()) as Int32Array;
  ids.dispose();
  const confusion = confusionMatrix(yTrue, ev.predictions!, classNames.length);
  const k = classNames.length;
  const keep = Math.min(spec.outputs.predictions, yTrue.length);
  return {
    values: ev.values,
    confusion,
    report: classificationReport(confusion, classNames),
    predictions: Array.from({ length: keep }, (_, i) => ({
      index: i,
      label: yTrue[i]!,
      predicted: ev.predictions![i]!,
      probabilities: Array.from(ev.probabilities!.subarray(i * k, (i + 1) * k)),
    })),
  };
}

/** Evaluates a trained model (e.g. loaded from a run folder) on its spec's test set. */
export async function evaluateModel(model: tfl.LayersModel, loaded: LoadedSpec, backend: Backend, reg: Registries, o: PrepareOptions & { engine?: string } = {}): Promise<{ test: TestEvaluation; engine: EngineStatus; files: Record<string, { location: string; sha256: string }> }> {
  const { spec } = loaded;
  const engine = await backend.prepare(o.engine ? { engine: o.engine } : {});
  const data = await loadSpecData(spec, backend, reg);
  if (!data.dataset.test) throw new ModelspecError('no-test-set', `${(spec.data.dataset as { type: string }).type}: this dataset has no test set to evaluate on`);
  const inputShape = model.inputs[0]!.shape.slice(1).map((d) => d ?? 1);
  const prepared = prepareData({ train: { ...data.dataset.test, count: 0 }, test: data.dataset.test }, { ...spec, data: { ...spec.data, validation: { type: 'none' } } } as ResolvedModelSpec, inputShape, data.classNames.length, { testLimit: o.testLimit });
  try {
    return { test: await evaluateTestSet(model, prepared.test!, spec, reg, [...data.classNames]), engine, files: data.files };
  } finally {
    disposeData(prepared);
  }
}

/** The dataset a spec names, loaded and verified, with its class names. */
export async function loadSpecData(spec: ResolvedModelSpec, backend: Backend, reg: Registries) {
  const datasetSpec = spec.data.dataset as unknown as { type: string } & Record<string, unknown>;
  const kind = reg.datasets.get(datasetSpec.type)!;
  const { type: _t, ...params } = datasetSpec;
  return loadDataset(kind, params as never, backend.data);
}

/** The shape of one example, as the model's input layer takes it. */
export function inputShapeOf(loaded: LoadedSpec): number[] {
  const inputNode = loaded.check.layers.find((l) => loaded.check.graph.inputs.includes(l.name))!;
  return inputNode.outputShape!.map((d) => d ?? 1);
}

/**
 * Activates the requested engine, or the best one that has every kernel this
 * model needs for training (trying them best first).
 */
export async function chooseEngine(loaded: LoadedSpec, backend: Backend, reg: Registries, classes: number, requested?: string, onEngine?: ExperimentHooks['onEngine']): Promise<EngineStatus> {
  const inputShape = inputShapeOf(loaded);
  let engine = await backend.prepare(requested ? { engine: requested } : {});
  let problem = canTrain(loaded, reg, inputShape, classes, backend.engine(engine.name));
  if (problem && requested) {
    throw new ModelspecError('engine-cannot-train', `engine ${engine.name} cannot train this model: ${problem}`, 'choose another engine with --engine, or leave it out to pick one that can');
  }
  const skipped: { name: string; reason: string }[] = [];
  while (problem) {
    skipped.push({ name: engine.name, reason: problem });
    const next = (await backend.engines()).find((e) => e.available && !skipped.some((s) => s.name === e.name));
    if (!next) throw new ModelspecError('no-engine', `no available engine can train this model (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`);
    engine = await backend.prepare({ engine: next.name });
    problem = canTrain(loaded, reg, inputShape, classes, backend.engine(engine.name));
  }
  onEngine?.(engine, skipped[0]);
  return engine;
}

/** How the loop trains this spec: optimizer, loss, metrics and the seeded per-epoch order. The caller disposes the optimizer. */
export function trainOptionsFor(spec: ResolvedModelSpec, reg: Registries, hooks: ExperimentHooks = {}, engine?: EngineKind): TrainOptions {
  const lossSpec = spec.training.loss as unknown as { type: string } & Record<string, unknown>;
  return {
    epochs: spec.training.epochs,
    batchSize: spec.training.batchSize,
    optimizer: buildOptimizer(spec, reg, engine),
    loss: { kind: reg.losses.get(lossSpec.type)!, params: lossSpec },
    metrics: spec.training.metrics.map((name) => ({ name, kind: reg.metrics.get(name)! })),
    labels: spec.data.preprocess.labels,
    order: (epoch, n) => {
      if (spec.training.shuffle) return new RandomState(deriveSeed(spec.seed, 'shuffle', epoch)).permutation(n);
      const ids = new Int32Array(n);
      for (let i = 0; i < n; i++) ids[i] = i;
      return ids;
    },
    earlyStopping: spec.training.earlyStopping,
    shouldStop: hooks.shouldStop,
    onBatch: hooks.onBatch,
    onEpoch: hooks.onEpoch,
    onInterrupt: hooks.onInterrupt,
  };
}

/**
 * One run of a checked spec: load and verify data, pick an engine that can
 * train the model, compile with the spec seed, train, evaluate on the test
 * set. Everything random derives from `spec.seed`.
 */
export async function runExperiment(loaded: LoadedSpec, backend: Backend, reg: Registries, o: ExperimentOptions = {}, hooks: ExperimentHooks = {}): Promise<ExperimentResult> {
  const { spec } = loaded;
  const inputShape = inputShapeOf(loaded);
  const t0 = performance.now();
  const loadedData = await loadSpecData(spec, backend, reg);
  const classNames = [...loadedData.classNames];
  const tData = (performance.now() - t0) / 1000;
  const engine = await chooseEngine(loaded, backend, reg, classNames.length, o.engine, hooks.onEngine);

  const data = prepareData(loadedData.dataset, spec, inputShape, classNames.length, o);
  const model = compileModel(spec, loaded.check.graph, reg);
  const trainOpts = { ...trainOptionsFor(spec, reg, hooks, backend.engine(engine.name)), resume: o.resume ?? null };
  const optimizer = trainOpts.optimizer;

  try {
    await hooks.onStart?.({ spec, engine, counts: data.counts, files: loadedData.files });
    const t1 = performance.now();
    const trained = await trainModel(model, data.train, data.val, trainOpts);
    const tTrain = (performance.now() - t1) / 1000;

    const t2 = performance.now();
    const test = data.test && trained.stopReason !== 'interrupted' ? await evaluateTestSet(model, data.test, spec, reg, classNames) : null;
    if (test) attachPixels(test.predictions, loadedData.dataset.test);
    const tEval = (performance.now() - t2) / 1000;
    return {
      spec,
      engine,
      classNames,
      inputShape,
      data: { files: loadedData.files, counts: data.counts },
      history: trained.history,
      stopReason: trained.stopReason,
      weightsFromEpoch: trained.weightsFromEpoch,
      test,
      weightsSha256: await sha256OfWeights(model, (b) => backend.data.sha256(b)),
      seconds: { data: tData, train: tTrain, evaluate: tEval },
      model,
    };
  } finally {
    optimizer.dispose();
    disposeData(data);
  }
}
