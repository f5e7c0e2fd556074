import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { SeededDropout } from '../layers/seeded-dropout.js';
import { RunError } from '../errors.js';
import type { EpochRecord } from './loop.js';

/** One tensor's values, by name. */
export interface TensorData {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

/** Early stopping's memory: the best monitored value so far, when, and how long since. */
export interface EarlyStoppingState {
  best: number | null;
  bestEpoch: number;
  wait: number;
  /** The best epoch's weights, when the spec restores them at the end. */
  bestWeights: TensorData[] | null;
}

/**
 * Everything a training run is at the end of an epoch, as one value: what a
 * run store checkpoints and what a resumed run starts from. With the seeded
 * per-epoch order (derived from the spec seed and the epoch), this is all the
 * loop needs to go on exactly as if it had never stopped.
 */
export interface TrainState {
  /** Epochs completed (the next one to run is epoch + 1). */
  epoch: number;
  /** Optimizer steps taken in all. */
  step: number;
  /**
   * Batches of epoch + 1 already done (0 at an epoch's end): a stop asked
   * for mid-epoch checkpoints there, with the epoch's running sums.
   */
  batch: number;
  /** Running sums of the loss and metrics over those batches (as the loop keeps them). */
  sums: number[];
  /** Seconds already spent in that partial epoch. */
  partialSeconds: number;
  /** The model's weights (model.weights order). */
  weights: TensorData[];
  /** The optimizer's own weights (its getWeights(), iteration count first) and any scalars it keeps beside them (Adam's beta powers). */
  optimizer: { weights: TensorData[]; scalars: Record<string, number> };
  /** Each seeded dropout layer's position in its mask stream. */
  dropout: Record<string, number>;
  earlyStopping: EarlyStoppingState | null;
  /** The epoch whose weights the model would keep if the run ended here. */
  weightsFromEpoch: number;
  history: EpochRecord[];
}

export async function tensorData(name: string, t: tf.Tensor): Promise<TensorData> {
  const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
  const values = await t.data();
  return { name, shape: t.shape.slice(), dtype, data: dtype === 'int32' ? Int32Array.from(values as Int32Array) : Float32Array.from(values as Float32Array) };
}

export const toTensor = (d: TensorData): tf.Tensor => tf.tensor(d.data, d.shape, d.dtype);

/** Scalars some tfjs optimizers keep outside getWeights(): restoring them from the iteration count would not be bit-exact. */
const SCALAR_SLOTS = ['accBeta1', 'accBeta2'] as const;

function dropoutLayers(model: tfl.LayersModel): SeededDropout[] {
  return model.layers.filter((l): l is SeededDropout => l instanceof SeededDropout);
}

export async function captureWeights(model: tfl.LayersModel): Promise<TensorData[]> {
  return Promise.all(model.weights.map((w) => tensorData(w.originalName, w.read())));
}

export function restoreWeights(model: tfl.LayersModel, weights: readonly TensorData[]): void {
  if (weights.length !== model.weights.length) throw new RunError('state-mismatch', `the saved state has ${weights.length} weights; this model has ${model.weights.length}`);
  model.weights.forEach((w, i) => {
    const d = weights[i]!;
    if (!tf.util.arraysEqual(d.shape, w.shape as number[])) throw new RunError('state-mismatch', `saved weight ${d.name} has shape [${d.shape}]; the model's ${w.originalName} has [${w.shape}]`);
    const t = toTensor(d);
    w.write(t);
    t.dispose();
  });
}

/** The training state as a value (weights and optimizer state copied out of the engine). */
export async function captureTrainState(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  loop: { epoch: number; step: number; batch?: number; sums?: number[]; partialSeconds?: number; weightsFromEpoch: number; history: readonly EpochRecord[]; earlyStopping: EarlyStoppingState | null },
): Promise<TrainState> {
  const named = await optimizer.getWeights();
  const scalars: Record<string, number> = {};
  for (const k of SCALAR_SLOTS) {
    const v = (optimizer as unknown as Record<string, tf.Variable | undefined>)[k];
    if (v instanceof tf.Variable) scalars[k] = (await v.data())[0]!;
  }
  return {
    epoch: loop.epoch,
    step: loop.step,
    batch: loop.batch ?? 0,
    sums: loop.sums ?? [],
    partialSeconds: loop.partialSeconds ?? 0,
    weights: await captureWeights(model),
    optimizer: { weights: await Promise.all(named.map((n) => tensorData(n.name, n.tensor))), scalars },
    dropout: Object.fromEntries(dropoutLayers(model).map((l) => [l.name, l.streamPosition])),
    earlyStopping: loop.earlyStopping,
    weightsFromEpoch: loop.weightsFromEpoch,
    history: loop.history.map((h) => ({ ...h })),
  };
}

/** Puts a captured state back into a freshly compiled model and a fresh optimizer of the same kind. */
export async function restoreTrainState(model: tfl.LayersModel, optimizer: tf.Optimizer, state: TrainState): Promise<void> {
  restoreWeights(model, state.weights);
  if (state.optimizer.weights.length) {
    const named = state.optimizer.weights.map((d) => ({ name: d.name, tensor: toTensor(d) }));
    await optimizer.setWeights(named);
    named.forEach((n) => n.tensor.dispose());
  }
  for (const [k, v] of Object.entries(state.optimizer.scalars)) {
    const slot = (optimizer as unknown as Record<string, tf.Variable | undefined>)[k];
    if (slot instanceof tf.Variable) slot.assign(tf.scalar(v));
  }
  for (const l of dropoutLayers(model)) l.resetStream(state.dropout[l.name] ?? 0);
}

/** A state as JSON plus one binary blob (every tensor's bytes, in order), for stores that write files or send messages. */
export function encodeTrainState(state: TrainState): { json: string; bytes: Uint8Array } {
  const tensors: TensorData[] = [...state.weights, ...state.optimizer.weights, ...(state.earlyStopping?.bestWeights ?? [])];
  const total = tensors.reduce((a, t) => a + t.data.byteLength, 0);
  const bytes = new Uint8Array(total);
  let off = 0;
  const meta = (t: TensorData) => {
    bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), off);
    const m = { name: t.name, shape: t.shape, dtype: t.dtype, offset: off, length: t.data.length };
    off += t.data.byteLength;
    return m;
  };
  const json = JSON.stringify({
    ...state,
    weights: state.weights.map(meta),
    optimizer: { ...state.optimizer, weights: state.optimizer.weights.map(meta) },
    earlyStopping: state.earlyStopping ? { ...state.earlyStopping, bestWeights: state.earlyStopping.bestWeights?.map(meta) ?? null } : null,
  });
  return { json, bytes };
}

type TensorMeta = Omit<TensorData, 'data'> & { offset: number; length: number };

export function decodeTrainState(json: string, bytes: Uint8Array): TrainState {
  const raw = JSON.parse(json) as Omit<TrainState, 'weights' | 'optimizer' | 'earlyStopping'> & {
    weights: TensorMeta[];
    optimizer: { weights: TensorMeta[]; scalars: Record<string, number> };
    earlyStopping: (Omit<EarlyStoppingState, 'bestWeights'> & { bestWeights: TensorMeta[] | null }) | null;
  };
  const data = (m: TensorMeta): TensorData => {
    const width = 4;
    if (m.offset + m.length * width > bytes.byteLength) throw new RunError('state-corrupt', `checkpoint tensor ${m.name} runs past the end of its data`);
    const copy = bytes.slice(m.offset, m.offset + m.length * width);
    return { name: m.name, shape: m.shape, dtype: m.dtype, data: m.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer) };
  };
  return {
    ...raw,
    weights: raw.weights.map(data),
    optimizer: { scalars: raw.optimizer.scalars, weights: raw.optimizer.weights.map(data) },
    earlyStopping: raw.earlyStopping ? { ...raw.earlyStopping, bestWeights: raw.earlyStopping.bestWeights?.map(data) ?? null } : null,
  };
}
