/**
 * Where a training step's time goes, kernel by kernel, on one engine (not a
 * test; for tuning the native kernels):
 *
 *   npx tsx --conditions=@modelspec/source packages/backend-node/bench/profile-step.ts \
 *     [--engine native] [--steps 30] [--warmup 5] [--cases cnn:32,cnn:512,e-additional-layers,e-simple-cnn] [--shapes] [--tfjs-adam]
 *
 * Cases: `cnn:<batch>` / `mlp:<batch>` are the throughput models of the engine
 * benchmark (trainOnBatch, the engine's Adam, as throughput.ts runs them;
 * --tfjs-adam: tfjs's own); a spec name
 * is that spec's model trained through core's loop (specs.ts, with the
 * engine's optimizer as `modelspec train` uses it). Every kernel registered
 * for the engine's tfjs backend is wrapped with a wall-clock timer; a kernel's
 * time includes the cpu fallback when the native one declines. --shapes
 * splits the rows by input shapes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { buildThroughputModel, compileModel, inputShapeOf, trainModel, trainOptionsFor, type ThroughputModel } from '@modelspec/core';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeEngines } from '../src/engines/index.js';
import { loadPublishedSpecs, registries } from './specs.js';
import { load } from './machine.js';
import { nativeKernelStats } from '../src/engines/native-kernels.js';

const argv = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : def;
};
const engineName = arg('engine', 'native');
const steps = Number(arg('steps', '30'));
const warmup = Number(arg('warmup', '5'));
const cases = arg('cases', 'cnn:32,cnn:512,e-additional-layers,e-simple-cnn').split(',');
const byShape = argv.includes('--shapes');
const tfjsAdam = argv.includes('--tfjs-adam');
const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

const engine = nodeEngines.find((e) => e.type === engineName);
if (!engine) throw new Error(`unknown engine ${engineName}`);
await engine.activate();
const backendName = tf.getBackend();

// wrap every kernel of the backend with a timer
const acc = new Map<string, { ms: number; calls: number }>();
let recording = false;
let fallbacks0 = new Map<string, number>();
let pool0: Record<string, number> = {};
const snapshot = () => {
  fallbacks0 = fallbacks();
  pool0 = { ...((tf.backend() as { poolStats?: Record<string, number> }).poolStats ?? {}) };
};
const fallbacks = () => new Map([...nativeKernelStats].map(([k, v]) => [k, v.fallback]));
for (const cfg of tf.getKernelsForBackend(backendName)) {
  const inner = cfg.kernelFunc;
  (cfg as { kernelFunc: tf.KernelFunc }).kernelFunc = (args) => {
    if (!recording) return inner(args);
    const t0 = performance.now();
    const out = inner(args);
    const ms = performance.now() - t0;
    const key = byShape
      ? `${cfg.kernelName} ${Object.values(args.inputs).map((t) => (t ? `[${(t as tf.TensorInfo).shape.join(",")}]` : "-")).join(' ')}`
      : cfg.kernelName;
    const a = acc.get(key) ?? { ms: 0, calls: 0 };
    a.ms += ms;
    a.calls++;
    acc.set(key, a);
    return out;
  };
}

function report(label: string, stepMs: number, nSteps: number) {
  const rows = [...acc.entries()].map(([k, v]) => ({ k, ms: v.ms / nSteps, calls: v.calls / nSteps })).sort((a, b) => b.ms - a.ms);
  const inKernels = rows.reduce((s, r) => s + r.ms, 0);
  console.log(`\n## ${label}: ${stepMs.toFixed(2)} ms/step over ${nSteps} steps; in kernels ${inKernels.toFixed(2)} ms, outside ${(stepMs - inKernels).toFixed(2)} ms; load ${load()}`);
  const ps = (tf.backend() as { poolStats?: Record<string, number> }).poolStats;
  if (ps) {
    console.log(`output pool per step: ${Object.entries(ps).map(([k, v]) => `${k} ${((v - (pool0[k] ?? 0)) / nSteps).toFixed(1)}`).join(', ')}`);
  }
  const fb = [...fallbacks()].map(([k, v]) => [k, v - (fallbacks0.get(k) ?? 0)] as const).filter(([, v]) => v > 0);
  if (fb.length) console.log(`native kernels that fell back to cpu (calls/step): ${fb.map(([k, v]) => `${k} ${(v / nSteps).toFixed(1)}`).join(', ')}`);
  for (const r of rows.slice(0, 25)) console.log(`${r.ms.toFixed(3).padStart(9)} ms ${(100 * r.ms / stepMs).toFixed(1).padStart(5)}%  x${r.calls.toFixed(1).padStart(5)}  ${r.k}`);
  acc.clear();
}

async function throughputCase(kind: ThroughputModel, batch: number) {
  const m = buildThroughputModel(kind);
  const adam = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999 };
  const optimizer = tfjsAdam ? tf.train.adam(1e-3) : (engine!.optimizer?.('adam', adam) ?? tf.train.adam(1e-3));
  m.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const x = tf.randomUniform(kind === 'mlp' ? [batch, 784] : [batch, 28, 28, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10));
  for (let i = 0; i < warmup; i++) await m.trainOnBatch(x, y);
  recording = true;
  snapshot();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await m.trainOnBatch(x, y);
  const ms = (performance.now() - t0) / steps;
  recording = false;
  report(`${kind} b${batch}`, ms, steps);
  tf.dispose([x, y]);
  m.dispose();
}

async function specCase(name: string) {
  const { specs } = await loadPublishedSpecs(resolve(repoRoot, 'specs'));
  const s = specs.find((p) => p.name === name);
  if (!s) throw new Error(`no spec ${name}`);
  const { spec, check } = s.loaded;
  const model = compileModel(spec, check.graph, registries);
  const classes = model.outputs[0]!.shape[1]!;
  const n = s.batch * (warmup + steps + 2);
  const x = tf.randomUniform([n, ...inputShapeOf(s.loaded)], 0, 1);
  const ids = tf.randomUniform([n], 0, classes, 'int32');
  const y = spec.data.preprocess.labels === 'integer' ? ids : tf.tidy(() => tf.cast(tf.oneHot(ids, classes), 'float32'));
  let calls = 0, t0 = 0;
  const shouldStop = () => {
    calls++;
    if (calls === warmup + 1) {
      recording = true;
      snapshot();
      t0 = performance.now();
    }
    if (calls === warmup + steps + 1) {
      recording = false;
      return true;
    }
    return false;
  };
  const opts = { ...trainOptionsFor(spec, registries, { shouldStop }, engine), epochs: 1, earlyStopping: null };
  await trainModel(model, { x, y }, null, opts);
  const ms = (performance.now() - t0) / steps;
  report(`${name} b${s.batch}`, ms, steps);
  opts.optimizer.dispose();
  model.dispose();
  tf.dispose([x, ids, y]);
}

console.log(`engine ${engineName} (${backendName}); ${steps} steps after ${warmup} warm-up`);
for (const c of cases) {
  const [kind, b] = c.split(':');
  if ((kind === 'cnn' || kind === 'mlp') && b) await throughputCase(kind, Number(b));
  else await specCase(c);
}
