import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LossKind, LabelEncoding } from '../components/losses.js';
import type { MetricKind } from '../components/metrics.js';
import { RunError } from '../errors.js';
import { forward } from './softmax-logits.js';
import { captureTrainState, restoreTrainState, tensorData, toTensor, type EarlyStoppingState, type TrainState } from './state.js';

/** Inputs and labels in memory, as the model takes them. */
export interface Examples {
  x: tf.Tensor;
  /** int32 class ids, or float32 one-hot rows. */
  y: tf.Tensor;
}

export interface EpochRecord {
  epoch: number;
  /** loss and every metric on the training data (running means over the epoch, as Keras reports them). */
  train: Record<string, number>;
  /** The same on the validation data after the epoch, when there is any. */
  val: Record<string, number> | null;
  seconds: number;
}

export type StopReason = 'completed' | 'early-stopping' | 'non-finite-loss' | 'interrupted';

export interface TrainResult {
  history: EpochRecord[];
  stopReason: StopReason;
  /** The epoch whose weights the model holds at the end (1-based). */
  weightsFromEpoch: number;
}

export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  /** Mean training loss so far in this epoch. */
  loss: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  optimizer: tf.Optimizer;
  loss: { kind: LossKind; params: Record<string, unknown> };
  metrics: { name: string; kind: MetricKind }[];
  labels: LabelEncoding;
  /** Order of the training examples in each epoch: identity, or a seeded permutation. */
  order: (epoch: number, n: number) => Int32Array;
  earlyStopping?: { monitor: string; patience: number; minDelta: number; restoreBestWeights: boolean } | null;
  /** Checked between batches; when true the loop stops and keeps the last complete epoch. */
  shouldStop?: () => boolean;
  onBatch?: (p: BatchProgress) => void;
  /** How often (in batches) the running loss is read back for `onBatch`; reading forces a sync. */
  progressEvery?: number;
  /**
   * After each epoch: its record, and the training state as it stands (read
   * out only when called; null after a non-finite loss, whose weights are not kept).
   */
  onEpoch?: (r: EpochRecord, state: (() => Promise<TrainState>) | null) => void | Promise<void>;
  /** Go on from this state (a checkpoint) instead of from the model's initial weights. */
  resume?: TrainState | null;
  /**
   * When a stop is asked for mid-epoch: the state at the end of the current
   * batch (the partial epoch included), before the model goes back to the
   * last complete epoch's weights.
   */
  onInterrupt?: (state: () => Promise<TrainState>) => void | Promise<void>;
}

function snapshot(model: tfl.LayersModel): tf.Tensor[] {
  return model.weights.map((w) => tf.clone(w.read()));
}
function restore(model: tfl.LayersModel, weights: tf.Tensor[]) {
  model.weights.forEach((w, i) => w.write(weights[i]!));
}
function release(ts: tf.Tensor[] | null) {
  ts?.forEach((t) => t.dispose());
}

/** Sum of the model's regularization penalties (0 when it has none). */
export function regularizationLoss(model: tfl.LayersModel): tf.Scalar {
  return tf.tidy(() => {
    const losses = (model as unknown as { calculateLosses(): tf.Scalar[] }).calculateLosses();
    return losses.reduce<tf.Scalar>((a, l) => tf.add(a, l), tf.scalar(0));
  });
}

/**
 * Loss and metrics over a whole set, in batches, without training behaviour
 * (dropout off, batch norm on moving statistics). The loss includes the
 * regularization penalties, as Keras's `evaluate` reports it. Results are
 * read back asynchronously: a GPU engine in Node (webgpu on Dawn) has no
 * synchronous read, and in a browser a sync read would block the page.
 */
export async function evaluateExamples(
  model: tfl.LayersModel,
  data: Examples,
  o: Pick<TrainOptions, 'loss' | 'metrics' | 'labels'> & { batchSize: number },
  keepPredictions = false,
): Promise<{ values: Record<string, number>; predictions: Int32Array | null; probabilities: Float32Array | null }> {
  const n = data.x.shape[0]!;
  const sums = new Float64Array(1 + o.metrics.length);
  const predictions = keepPredictions ? new Int32Array(n) : null;
  const k = model.outputs[0]!.shape[1]!;
  const probabilities = keepPredictions ? new Float32Array(n * k) : null;
  for (let start = 0; start < n; start += o.batchSize) {
    const size = Math.min(o.batchSize, n - start);
    const [stats, pred] = tf.tidy(() => {
      const xb = tf.slice(data.x, start, size);
      const yb = tf.slice(data.y, start, size);
      const f = forward(model, xb, false, o.loss);
      const p = f.pred;
      const parts = [tf.mul(f.loss(yb), size), ...o.metrics.map((m) => m.kind.sum(yb, p, o.labels))];
      return keepPredictions ? [tf.stack(parts), p] : [tf.stack(parts)];
    }) as [tf.Tensor, tf.Tensor?];
    (await stats.data()).forEach((v, i) => (sums[i] = sums[i]! + v));
    stats.dispose();
    if (pred) {
      probabilities!.set((await pred.data()) as Float32Array, start * k);
      const am = tf.argMax(pred, -1);
      predictions!.set((await am.data()) as Int32Array, start);
      am.dispose();
      pred.dispose();
    }
  }
  const reg = regularizationLoss(model);
  const values: Record<string, number> = { loss: sums[0]! / n + (await reg.data())[0]! };
  reg.dispose();
  o.metrics.forEach((m, i) => (values[m.name] = sums[i + 1]! / n));
  return { values, predictions, probabilities };
}

const better = (monitor: string) => (monitor.toLowerCase().includes('acc') ? (a: number, b: number, d: number) => a - d > b : (a: number, b: number, d: number) => a + d < b);

/**
 * A turn of the event loop. A batch loop that awaits only settled promises
 * (the CPU engines' reads) never gives one, and a stop asked for by a signal,
 * a pool's message or a page's worker message waits for it: the loop takes
 * one every TURN_MS, so a stop lands at the next batch, not at the epoch's end.
 */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const TURN_MS = 200;

/**
 * The training loop: seeded order per epoch, one optimizer step per batch,
 * running loss and metrics on the device (read back once per epoch, or every
 * `progressEvery` batches for the progress display), validation after each epoch,
 * early stopping, and a stop on a non-finite loss that keeps the last good weights.
 * The loop's whole state at an epoch's end is one value (`TrainState`): handed
 * out after each epoch, and taken back with `resume` to go on exactly where it was.
 */
export async function trainModel(model: tfl.LayersModel, train: Examples, val: Examples | null, o: TrainOptions): Promise<TrainResult> {
  const n = train.x.shape[0]!;
  if (n === 0) throw new RunError('empty-training-set', 'the training set is empty');
  const batches = Math.ceil(n / o.batchSize);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const es = o.earlyStopping ?? null;
  const isBetter = es ? better(es.monitor) : () => false;
  const every = o.progressEvery ?? 10;

  let history: EpochRecord[] = [];
  let lastGoodEpoch = 0;
  let step = 0;
  /** Where a mid-epoch checkpoint left the next epoch: batches done, running sums, seconds spent. */
  let partial: { batch: number; sums: number[]; seconds: number } | null = null;
  let best: { value: number; epoch: number; weights: tf.Tensor[] | null } | null = null;
  let wait = 0;
  if (o.resume) {
    await restoreTrainState(model, o.optimizer, o.resume);
    history = o.resume.history.map((h) => ({ ...h }));
    lastGoodEpoch = o.resume.epoch;
    step = o.resume.step;
    const r = o.resume.earlyStopping;
    if (r && r.best !== null) best = { value: r.best, epoch: r.bestEpoch, weights: r.bestWeights?.map(toTensor) ?? null };
    wait = r?.wait ?? 0;
    if (o.resume.batch > 0) partial = { batch: o.resume.batch, sums: o.resume.sums, seconds: o.resume.partialSeconds };
  }
  let lastGood = snapshot(model);
  let lastTurn = performance.now();
  let stopReason: StopReason = 'completed';

  const esState = async (): Promise<EarlyStoppingState | null> =>
    es
      ? {
          best: best?.value ?? null,
          bestEpoch: best?.epoch ?? 0,
          wait,
          bestWeights: best?.weights ? await Promise.all(best.weights.map((t, i) => tensorData(model.weights[i]!.originalName, t))) : null,
        }
      : null;

  try {
    for (let epoch = lastGoodEpoch + 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now() - (partial?.seconds ?? 0) * 1000;
      const order = o.order(epoch, n);
      const orderT = tf.tensor1d(order, 'int32');
      let sums = partial ? tf.tensor1d(partial.sums, 'float32') : tf.zeros([1 + o.metrics.length]);
      const first = partial?.batch ?? 0;
      partial = null;
      let interrupted = false;
      for (let b = first; b < batches; b++) {
        if (performance.now() - lastTurn > TURN_MS) {
          await turn();
          lastTurn = performance.now();
        }
        if (o.shouldStop?.()) {
          interrupted = true;
          if (b > first && o.onInterrupt) {
            const done = b;
            const running = Array.from(await sums.data());
            const at = { epoch: epoch - 1, step, batch: done, sums: running, partialSeconds: (performance.now() - t0) / 1000, weightsFromEpoch: lastGoodEpoch, history };
            await o.onInterrupt(async () => captureTrainState(model, o.optimizer, { ...at, earlyStopping: await esState() }));
          }
          break;
        }
        const start = b * o.batchSize;
        const size = Math.min(o.batchSize, n - start);
        const next = tf.tidy(() => {
          const idx = tf.slice(orderT, start, size);
          const xb = tf.gather(train.x, idx);
          const yb = tf.gather(train.y, idx);
          let metricSums: tf.Tensor[] = [];
          const lossValue = o.optimizer.minimize(
            () => {
              const f = forward(model, xb, true, o.loss);
              metricSums = o.metrics.map((m) => tf.keep(m.kind.sum(yb, f.pred, o.labels)));
              return tf.add(f.loss(yb), regularizationLoss(model));
            },
            true,
            variables,
          )!;
          const batchStats = tf.stack([tf.mul(lossValue, size), ...metricSums]);
          metricSums.forEach((t) => t.dispose());
          return tf.add(sums, batchStats);
        });
        sums.dispose();
        sums = next;
        step++;
        if (o.onBatch && ((b + 1) % every === 0 || b === batches - 1)) {
          const seen = Math.min(n, (b + 1) * o.batchSize);
          o.onBatch({ epoch, batch: b + 1, batches, loss: (await sums.data())[0]! / seen });
        }
      }
      orderT.dispose();
      const seen = interrupted ? 0 : n;
      const s = await sums.data();
      sums.dispose();
      if (interrupted) {
        restore(model, lastGood);
        stopReason = 'interrupted';
        break;
      }
      const trainValues: Record<string, number> = { loss: s[0]! / seen };
      o.metrics.forEach((m, i) => (trainValues[m.name] = s[i + 1]! / seen));
      if (!Number.isFinite(trainValues['loss']!)) {
        restore(model, lastGood);
        stopReason = 'non-finite-loss';
        history.push({ epoch, train: trainValues, val: null, seconds: (performance.now() - t0) / 1000 });
        await o.onEpoch?.(history[history.length - 1]!, null);
        break;
      }
      const valValues = val ? (await evaluateExamples(model, val, { ...o, batchSize: Math.max(o.batchSize, 256) })).values : null;
      const record: EpochRecord = { epoch, train: trainValues, val: valValues, seconds: (performance.now() - t0) / 1000 };
      history.push(record);
      release(lastGood);
      lastGood = snapshot(model);
      lastGoodEpoch = epoch;

      let stop = false;
      if (es) {
        const key = es.monitor.startsWith('val') ? es.monitor.slice(3, 4).toLowerCase() + es.monitor.slice(4) : es.monitor;
        const current = (es.monitor.startsWith('val') ? valValues : trainValues)?.[key];
        if (current === undefined) throw new RunError('early-stopping-monitor', `earlyStopping monitors ${es.monitor}, which this run does not measure`);
        if (best === null || isBetter(current, best.value, es.minDelta)) {
          release(best?.weights ?? null);
          best = { value: current, epoch, weights: es.restoreBestWeights ? snapshot(model) : null };
          wait = 0;
        } else if (++wait >= es.patience) stop = true;
      }
      const at = { epoch, step, weightsFromEpoch: epoch, history };
      await o.onEpoch?.(record, async () => captureTrainState(model, o.optimizer, { ...at, earlyStopping: await esState() }));
      if (stop) {
        stopReason = 'early-stopping';
        if (best!.weights) {
          restore(model, best!.weights);
          lastGoodEpoch = best!.epoch;
        }
        break;
      }
    }
  } finally {
    release(lastGood);
    release(best?.weights ?? null);
  }
  return { history, stopReason, weightsFromEpoch: lastGoodEpoch };
}
