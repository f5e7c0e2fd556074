/**
 * Training throughput of the backend-node engines, with PyTorch CPU as the
 * anchor. On demand, not a test:
 *
 *   npx tsx packages/backend-node/bench/engines.ts [--reps 5] [--seconds 3]
 *     [--engines cpu,wasm,native,torch] [--models mlp,cnn] [--batches 32,512]
 *     [--torch-threads 2] [--torch-blas-threads 1] [--torch-python /usr/bin/python3]
 *
 * Models (Fashion-MNIST shapes, synthetic data, Adam lr 1e-3, categorical
 * cross-entropy, one trainOnBatch per step):
 *   mlp: 784-512(relu)-256(relu)-10(softmax)
 *   cnn: conv 32 3x3 (relu) - maxpool 2 - flatten - dense 128 (relu) - dense 10 (softmax)
 * Each repetition runs every (model, batch, engine) cell once, engines
 * interleaved (PyTorch through a child process in between), for about
 * --seconds after warm-up (at least one timed step); the table shows medians
 * of samples/s. PyTorch runs with torch.set_num_threads(--torch-threads) and
 * OPENBLAS_NUM_THREADS=--torch-blas-threads: Debian's torch calls OpenBLAS
 * (pthreads) from inside its OpenMP threads, and letting both spawn threads
 * oversubscribes the cores (2-4x slower at batch 32 on 2 cores).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../src/engines/engine.js';
import { cpuEngine } from '../src/engines/cpu.js';
import { nativeEngine } from '../src/engines/native.js';
import { wasmEngine } from '../src/engines/wasm.js';

type Model = 'mlp' | 'cnn';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}
const reps = Number(arg('reps', '5'));
const seconds = Number(arg('seconds', '3'));
const engineNames = arg('engines', 'cpu,wasm,native,torch').split(',');
const models = arg('models', 'mlp,cnn').split(',') as Model[];
const batches = arg('batches', '32,512').split(',').map(Number);
const torchThreads = Number(arg('torch-threads', String(Math.min(cpus().length, 2))));
const torchBlasThreads = arg('torch-blas-threads', '1');
const torchPython = arg('torch-python', existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const engines: Record<string, Engine> = { cpu: cpuEngine, wasm: wasmEngine, native: nativeEngine };

function build(kind: Model): tfl.Sequential {
  const m = tfl.sequential();
  if (kind === 'mlp') {
    m.add(tfl.layers.dense({ inputShape: [784], units: 512, activation: 'relu' }));
    m.add(tfl.layers.dense({ units: 256, activation: 'relu' }));
  } else {
    m.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tfl.layers.flatten());
    m.add(tfl.layers.dense({ units: 128, activation: 'relu' }));
  }
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return m;
}

async function measureTfjs(engine: Engine, kind: Model, batch: number): Promise<number> {
  await engine.activate();
  const m = build(kind);
  const x = tf.randomUniform(kind === 'mlp' ? [batch, 784] : [batch, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
  try {
    const w0 = performance.now();
    await m.trainOnBatch(x, y);
    if (performance.now() - w0 < (seconds * 1000) / 4) await m.trainOnBatch(x, y);
    let steps = 0;
    const t0 = performance.now();
    while (steps < 1 || performance.now() - t0 < seconds * 1000) {
      await m.trainOnBatch(x, y);
      steps++;
    }
    return (batch * steps) / ((performance.now() - t0) / 1000);
  } finally {
    tf.dispose([x, y]);
    m.dispose();
  }
}

/** PyTorch in a child process that stays up for the whole run. */
async function startTorch(): Promise<((kind: Model, batch: number) => Promise<number>) | string> {
  const script = fileURLToPath(new URL('./torch_anchor.py', import.meta.url));
  const env = { ...process.env, OPENBLAS_NUM_THREADS: torchBlasThreads };
  const child = spawn(torchPython, [script, String(torchThreads)], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error('torch process ended');
    return JSON.parse(r.value as string) as { ready?: boolean; torch?: string; error?: string; samples_per_s?: number };
  };
  child.on('error', () => undefined);
  let hello;
  try {
    hello = await next();
  } catch (e) {
    return `could not start ${torchPython}: ${(e as Error).message}`;
  }
  if (!hello.ready) return hello.error ?? 'torch unavailable';
  console.log(`torch: PyTorch ${hello.torch} (${torchPython}), ${torchThreads} thread(s), OPENBLAS_NUM_THREADS=${torchBlasThreads}`);
  process.on('exit', () => child.kill());
  return async (kind, batch) => {
    child.stdin.write(`${kind} ${batch} ${seconds}\n`);
    const r = await next();
    if (r.error) throw new Error(r.error);
    return r.samples_per_s!;
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main() {
  const cells = models.flatMap((m) => batches.map((b) => ({ m, b, key: `${m.toUpperCase()} b${b}` })));
  const results = new Map<string, Map<string, number[]>>(); // engine -> cell -> samples/s
  const failures = new Map<string, string>();
  const runners = new Map<string, (kind: Model, batch: number) => Promise<number>>();
  for (const name of engineNames) {
    if (name === 'torch') {
      const t = await startTorch();
      if (typeof t === 'string') failures.set('torch', t);
      else runners.set('torch', t);
      continue;
    }
    const engine = engines[name];
    if (!engine) { failures.set(name, 'unknown engine'); continue; }
    const p = await engine.probe();
    if (!p.available) { failures.set(name, `${p.reason}${p.fix ? ` (fix: ${p.fix})` : ''}`); continue; }
    if (p.detail) console.log(`${name}: ${p.detail}`);
    runners.set(name, (kind, batch) => measureTfjs(engine, kind, batch));
  }
  console.log(`${reps} repetitions x ${seconds}s per cell, engines interleaved; cpus: ${cpus().length} x ${cpus()[0]?.model ?? '?'}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  for (let r = 0; r < reps; r++) {
    for (const c of cells) {
      for (const [name, run] of runners) {
        const cellKey = `${name} ${c.key}`;
        if (failures.has(cellKey)) continue;
        try {
          const v = await run(c.m, c.b);
          const byCell = results.get(name) ?? new Map<string, number[]>();
          results.set(name, byCell);
          byCell.set(c.key, [...(byCell.get(c.key) ?? []), v]);
          process.stdout.write(`rep ${r + 1} ${cellKey}: ${v.toFixed(0)} samples/s\n`);
        } catch (e) {
          failures.set(cellKey, (e as Error).message.split('\n')[0]!);
          process.stdout.write(`rep ${r + 1} ${cellKey}: failed: ${failures.get(cellKey)}\n`);
        }
      }
    }
  }
  // table of medians
  const names = [...runners.keys()];
  const w = 14;
  const line = (cols: string[]) => console.log(cols.map((s, i) => (i === 0 ? s.padEnd(10) : s.padStart(w))).join(''));
  console.log('\nTraining samples/s (median)');
  line(['engine', ...cells.map((c) => c.key)]);
  for (const n of names) line([n, ...cells.map((c) => {
    const v = results.get(n)?.get(c.key);
    return v?.length ? median(v).toFixed(0) : 'n/a';
  })]);
  if (runners.has('native') && runners.has('torch')) {
    line(['native/torch', ...cells.map((c) => {
      const a = results.get('native')?.get(c.key), b = results.get('torch')?.get(c.key);
      return a?.length && b?.length ? `${(median(a) / median(b)).toFixed(2)}x` : 'n/a';
    })]);
  }
  for (const [k, v] of failures) console.log(`n/a ${k}: ${v}`);
  process.exit(0);
}

await main();
