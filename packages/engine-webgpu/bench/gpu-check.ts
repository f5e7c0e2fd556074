/**
 * The GPU check: which adapter the webgpu engine gets here, training parity
 * with tfjs cpu (MLP and CNN losses within 1e-5 relative), and samples/s of
 * the engine benchmark's MLP and CNN (core's buildThroughputModel; Adam, one
 * trainOnBatch per step) at batch 32, 512 and 4096 on webgpu and native.
 * Prints as it goes and writes a Markdown section (and, with --write, puts it
 * into BENCHMARKS.md between markers). Bundled by scripts/gpu-check/build.sh.
 *
 *   gpu-check [--out dir] [--write BENCHMARKS.md] [--seconds 4] [--cap 90]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { buildThroughputModel, type EngineKind, type ThroughputModel } from '@modelspec/core';
import { syntheticBatch, trainingParity, type Parity } from './parity.js';
import { nodeWebgpuEngine, probeDawn } from '../src/node.js';
import { adapterLine } from '../src/adapter.js';
import { nativeEngine } from '../../backend-node/src/engines/native.js';
import { cpuEngine } from '../../backend-node/src/engines/cpu.js';

const args = process.argv.slice(2);
const opt = (name: string, d: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : d;
};
const OUT = opt('out', 'gpu-check-out');
const WRITE = opt('write', '');
const SECONDS = Number(opt('seconds', '4'));
/** A cell whose single step would take longer than this (predicted from the smaller batch) is skipped, with that reason. */
const CAP = Number(opt('cap', '90'));
const BATCHES = opt('batches', '32,512,4096').split(',').map(Number);
const PARITY_TOL = 1e-5;
const t00 = performance.now();
const log = (s: string) => console.log(s);
const elapsed = () => `${((performance.now() - t00) / 1000).toFixed(0)} s`;

async function activate(e: EngineKind) {
  await e.activate();
  await tf.ready();
}

type Cell = { samplesPerS: number; stepMs: number } | { skipped: string };

/** samples/s of trainOnBatch for about SECONDS (one warm-up step, at least one timed step). */
async function throughput(engine: EngineKind, kind: ThroughputModel, batch: number): Promise<{ samplesPerS: number; stepMs: number }> {
  await activate(engine);
  const m = buildThroughputModel(kind);
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const d = syntheticBatch(kind, batch);
  const x = tf.tensor(d.x, d.shape);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(d.labels, 'int32'), 10));
  try {
    await m.trainOnBatch(x, y); // warm-up: shader compilation, buffer pools
    let steps = 0;
    const t0 = performance.now();
    while (steps < 1 || performance.now() - t0 < SECONDS * 1000) {
      await m.trainOnBatch(x, y); // resolves when the loss is read back: the step has finished on the device
      steps++;
    }
    const stepMs = (performance.now() - t0) / steps;
    return { samplesPerS: (batch * 1000) / stepMs, stepMs };
  } finally {
    tf.dispose([x, y]);
    m.dispose();
  }
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));

async function main() {
  mkdirSync(OUT, { recursive: true });
  const lines: string[] = [];
  log(`gpu-check: Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);

  // 1. the adapter
  const dawn = await probeDawn();
  const probe = await nodeWebgpuEngine.probe();
  if ('tried' in dawn) for (const t of dawn.tried) log(`  Dawn ${t.backend}: ${t.info ? JSON.stringify(t.info) : t.problem}`);
  log(`webgpu: ${probe.available ? probe.detail : `unavailable: ${probe.reason}`}`);
  const nativeProbe = await nativeEngine.probe();
  log(`native: ${nativeProbe.available ? nativeProbe.detail : `unavailable: ${nativeProbe.reason}`}`);
  const adapter = probe.available ? probe.adapter : undefined;

  // 2. parity with cpu
  const par: Partial<Record<ThroughputModel, Parity>> = {};
  if (probe.available) {
    for (const kind of ['mlp', 'cnn'] as const) {
      const p = await trainingParity(nodeWebgpuEngine, kind);
      par[kind] = p;
      log(`parity ${kind}: 5 Adam steps at batch 32, worst relative loss difference vs cpu ${p.worst.toExponential(2)} (${p.worst <= PARITY_TOL ? 'ok' : 'FAIL'}, tolerance ${PARITY_TOL}); losses ${p.engine.map((l) => l.toFixed(6)).join(' ')}  [${elapsed()}]`);
    }
  }

  // 3. throughput
  const engines = [...(probe.available ? [nodeWebgpuEngine] : []), ...(nativeProbe.available ? [nativeEngine] : [])];
  const table: Record<string, Record<string, Cell>> = {};
  for (const kind of ['mlp', 'cnn'] as const) {
    for (const e of engines) {
      let prev: { batch: number; stepMs: number } | null = null;
      for (const batch of BATCHES) {
        const key = `${kind} ${batch}`;
        table[key] ??= {};
        const predicted = prev ? (prev.stepMs * batch) / prev.batch / 1000 : 0;
        if (predicted > CAP) {
          table[key]![e.type] = { skipped: `one step would take about ${predicted.toFixed(0)} s (batch ${prev!.batch}: ${(prev!.stepMs / 1000).toFixed(1)} s)` };
          log(`  ${e.type.padEnd(7)} ${key.padEnd(9)} skipped: ${(table[key]![e.type] as { skipped: string }).skipped}`);
          continue;
        }
        try {
          const r = await throughput(e, kind, batch);
          table[key]![e.type] = r;
          prev = { batch, stepMs: r.stepMs };
          log(`  ${e.type.padEnd(7)} ${key.padEnd(9)} ${fmt(r.samplesPerS).padStart(9)} samples/s  (${r.stepMs.toFixed(1)} ms/step)  [${elapsed()}]`);
        } catch (err) {
          table[key]![e.type] = { skipped: `failed: ${(err as Error).message.split('\n')[0]}` };
          log(`  ${e.type.padEnd(7)} ${key.padEnd(9)} failed: ${(err as Error).message.split('\n')[0]}`);
        }
      }
    }
  }

  // 4. the section
  const date = new Date().toISOString().slice(0, 10);
  lines.push('<!-- gpu-check:begin (written by scripts/gpu-check.sh; do not edit by hand) -->');
  lines.push('## GPU: the webgpu engine');
  lines.push('');
  lines.push(`Measured ${date} by \`scripts/gpu-check.sh\` on ${cpus().length} x ${cpus()[0]?.model.trim()} (${(totalmem() / 2 ** 30).toFixed(0)} GiB), Node ${process.version}.`);
  lines.push('');
  lines.push(`- adapter: ${adapter ? adapterLine(adapter) : `none (${probe.available ? '' : probe.reason})`}`);
  if ('tried' in dawn) lines.push(`- Dawn backends tried: ${dawn.tried.map((t) => `${t.backend} (${t.info ? [t.info.vendor, t.info.architecture, t.info.device, t.info.description].filter(Boolean).join(' / ') : t.problem})`).join('; ')}`);
  lines.push(`- native: ${nativeProbe.available ? nativeProbe.detail : nativeProbe.reason}`);
  for (const kind of ['mlp', 'cnn'] as const) {
    const p = par[kind];
    if (p) lines.push(`- parity with tfjs cpu, ${kind}: worst relative loss difference over 5 Adam steps at batch 32 ${p.worst.toExponential(2)} (tolerance ${PARITY_TOL}: ${p.worst <= PARITY_TOL ? 'ok' : 'FAILED'})`);
  }
  if (adapter?.software) lines.push('- **a software adapter**: these webgpu figures are the CPU emulating a GPU, for testing the path end to end, not a GPU measurement.');
  lines.push('');
  lines.push(`Samples/s of one \`trainOnBatch\` (Adam, categorical cross-entropy; the engine benchmark's models) for about ${SECONDS} s per cell after a warm-up step:`);
  lines.push('');
  lines.push(`| model | batch | ${engines.map((e) => e.type).join(' | ')} |${engines.length === 2 ? ' webgpu / native |' : ''}`);
  lines.push(`|---|---:|${engines.map(() => '---:|').join('')}${engines.length === 2 ? '---:|' : ''}`);
  for (const [key, row] of Object.entries(table)) {
    const [kind, batch] = key.split(' ');
    const cells = engines.map((e) => {
      const c = row[e.type];
      return !c ? '' : 'skipped' in c ? `skipped: ${c.skipped}` : fmt(c.samplesPerS);
    });
    const g = row['webgpu'];
    const n = row['native'];
    const ratio = g && n && 'samplesPerS' in g && 'samplesPerS' in n ? `${(g.samplesPerS / n.samplesPerS).toFixed(2)}x` : '';
    lines.push(`| ${kind} | ${batch} | ${cells.join(' | ')} |${engines.length === 2 ? ` ${ratio} |` : ''}`);
  }
  lines.push('');
  lines.push(`The whole check took ${elapsed()}.`);
  lines.push('<!-- gpu-check:end -->');
  const section = lines.join('\n') + '\n';
  writeFileSync(join(OUT, 'gpu-section.md'), section);
  writeFileSync(join(OUT, 'gpu-check.json'), JSON.stringify({ date, adapter: adapter ?? null, dawn, parity: par, throughput: table, seconds: SECONDS }, null, 2));
  if (WRITE) {
    const old = existsSync(WRITE) ? readFileSync(WRITE, 'utf8') : '';
    const re = /<!-- gpu-check:begin[\s\S]*?<!-- gpu-check:end -->\n?/;
    writeFileSync(WRITE, re.test(old) ? old.replace(re, section) : `${old.trimEnd()}\n\n${section}`);
    log(`wrote the GPU section into ${WRITE}`);
  }
  log(`\n${section}`);
  const failed = Object.values(par).some((p) => p!.worst > PARITY_TOL);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
