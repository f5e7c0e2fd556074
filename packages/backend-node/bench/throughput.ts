/**
 * Training throughput of two fixed models (Fashion-MNIST shapes, synthetic
 * data, Adam lr 1e-3 (the engine's own Adam where it supplies one, as
 * modelspec's training uses it), categorical cross-entropy, one trainOnBatch per step)
 * on a tfjs engine, and the same models in PyTorch through torch_anchor.py:
 *   mlp: 784-512(relu)-256(relu)-10(softmax)
 *   cnn: conv 32 3x3 (relu) - maxpool 2 - flatten - dense 128 (relu) - dense 10 (softmax)
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // a backend for trainFlopsPerSample's model when no engine was activated
import * as tfl from '@tensorflow/tfjs-layers';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../src/engines/engine.js';
import { buildThroughputModel, type ThroughputModel } from '@modelspec/core';

export type Model = ThroughputModel;
const buildModel = buildThroughputModel;

type Layer = tfl.LayersModel['layers'][number];
export const prod = (xs: readonly (number | null)[]) => xs.reduce<number>((a, d) => a * (d ?? 1), 1);

/** A layer's kernel (dense, conv2d), if it has one: tfjs names it `<layer>/kernel`, with a suffix (`kernel_1`) when the name was taken before in this process. */
export const layerKernel = (layer: Layer) => layer.weights.find((w) => /(^|\/)kernel(_\d+)?$/.test(w.name));

/** Where a layer's kernel is applied per example: every output dimension but the batch and the channels. */
export const outputPositions = (layer: Layer) => prod((layer.outputShape as (number | null)[]).slice(1, -1));

/**
 * Multiply-adds of one example's forward pass, counted from the model: every
 * layer's kernel (dense, conv2d) applied once per output position.
 */
export function forwardMacs(model: tfl.LayersModel): number {
  let macs = 0;
  for (const layer of model.layers) {
    const kernel = layerKernel(layer);
    if (kernel) macs += prod(kernel.shape) * outputPositions(layer);
  }
  return macs;
}

/** Training FLOPs per example of a compiled model: 3 x forward (forward + backward), 2 flops per multiply-add of its kernels. */
export function modelTrainFlops(model: tfl.LayersModel): number {
  return 3 * 2 * forwardMacs(model);
}

export const trainFlopsPerSample = (kind: Model) => {
  const m = buildModel(kind);
  const flops = modelTrainFlops(m);
  m.dispose();
  return flops;
};

/**
 * Samples/s of trainOnBatch on one synthetic batch for about `seconds` (at
 * least one timed step). Each (model, batch) is built once, on the engine's
 * backend, and kept for the later repetitions; its first use gets one or two
 * warm-up steps, a later one a single warm-up step when steps are short.
 */
export function tfjsRunner(engine: Engine, seconds: number) {
  const cells = new Map<string, { m: tfl.Sequential; x: tf.Tensor; y: tf.Tensor; stepMs: number }>();
  return {
    async run(kind: Model, batch: number): Promise<number> {
      await engine.activate();
      let c = cells.get(`${kind} ${batch}`);
      if (!c) {
        const m = buildModel(kind);
        // the engine's own Adam where it has one (native's fused update), as `modelspec train` uses it
        const adam = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999 };
        m.compile({ optimizer: engine.optimizer?.('adam', adam) ?? tf.train.adam(adam.learningRate, adam.beta1, adam.beta2), loss: 'categoricalCrossentropy' });
        const x = tf.randomUniform(kind === 'mlp' ? [batch, 784] : [batch, 28, 28, 1]);
        const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10));
        c = { m, x, y, stepMs: Infinity };
        cells.set(`${kind} ${batch}`, c);
        const w0 = performance.now();
        await m.trainOnBatch(x, y);
        if (performance.now() - w0 < (seconds * 1000) / 4) await m.trainOnBatch(x, y);
      } else if (c.stepMs < (seconds * 1000) / 4) await c.m.trainOnBatch(c.x, c.y);
      let steps = 0;
      const t0 = performance.now();
      while (steps < 1 || performance.now() - t0 < seconds * 1000) {
        await c.m.trainOnBatch(c.x, c.y);
        steps++;
      }
      c.stepMs = (performance.now() - t0) / steps;
      return (batch * 1000) / c.stepMs;
    },
    async close() {
      await engine.activate();
      for (const c of cells.values()) (tf.dispose([c.x, c.y]), c.m.dispose());
      cells.clear();
    },
  };
}

export interface TorchRunner {
  /** e.g. "torch (OPENBLAS_NUM_THREADS=1)" */
  label: string;
  info: { torch: string; python: string; threads: number; blasThreads: string };
  run(kind: Model, batch: number, seconds: number): Promise<number>;
  close(): void;
}

/**
 * PyTorch in a child process that stays up for the whole run. `blasThreads`
 * is OPENBLAS_NUM_THREADS for it, or 'default' to leave it unset (Debian's
 * default configuration: OpenBLAS starts its own threads inside torch's).
 */
export async function startTorch(python: string, threads: number, blasThreads: string): Promise<TorchRunner | string> {
  const script = fileURLToPath(new URL('./torch_anchor.py', import.meta.url));
  const env = { ...process.env };
  if (blasThreads === 'default') delete env['OPENBLAS_NUM_THREADS'];
  else env['OPENBLAS_NUM_THREADS'] = blasThreads;
  const child = spawn(python, [script, String(threads)], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error('torch process ended');
    return JSON.parse(r.value as string) as { ready?: boolean; torch?: string; python?: string; threads?: number; error?: string; samples_per_s?: number };
  };
  child.on('error', () => undefined);
  let hello;
  try {
    hello = await next();
  } catch (e) {
    return `could not start ${python}: ${(e as Error).message}`;
  }
  if (!hello.ready) return hello.error ?? 'torch unavailable';
  const close = () => void child.kill();
  process.on('exit', close);
  return {
    label: blasThreads === 'default' ? 'torch (Debian default)' : `torch (OPENBLAS_NUM_THREADS=${blasThreads})`,
    info: { torch: hello.torch!, python: hello.python ?? '?', threads: hello.threads!, blasThreads },
    async run(kind, batch, seconds) {
      child.stdin.write(`${kind} ${batch} ${seconds}\n`);
      const r = await next();
      if (r.error) throw new Error(r.error);
      return r.samples_per_s!;
    },
    close,
  };
}
