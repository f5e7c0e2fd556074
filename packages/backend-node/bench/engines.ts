/**
 * The engine benchmark, on demand (not a test). One run measures, side by
 * side, every available backend-node engine and PyTorch CPU, and writes
 * BENCHMARKS.md (report.ts); every number in it comes from that run:
 *
 *   npx tsx --conditions=@modelspec/source packages/backend-node/bench/engines.ts [--write BENCHMARKS.md]
 *
 *   1. training samples/s of a fixed MLP and CNN at batch 32 and 512, and the
 *      ratio to PyTorch (throughput.ts; repetitions interleaved, medians);
 *   2. the machine's sgemm peak (native addon and numpy, blas.ts) and the
 *      fraction of it each engine's MLP batch-512 training reaches;
 *   3. the epoch time of every published spec (specs/*.yaml) on each engine,
 *      from up to a few hundred steps of the real model (specs.ts);
 *   4. the peak RSS of the largest spec's training on the default engine, in
 *      a child process (peak-rss.ts).
 *
 * Options (defaults in brackets). --quick: a smoke test of about a minute:
 * tiny step, repetition and size counts, no cpu engine unless --engines names
 * it, and a file only when --write is given.
 *   --engines native,wasm,cpu,torch [every available engine, and torch]
 *   --reps 5 --seconds 3 --models mlp,cnn --batches 32,512      (throughput)
 *   --torch-threads 2 --torch-python /usr/bin/python3
 *   --torch-blas-threads default,1   OPENBLAS_NUM_THREADS of each PyTorch
 *                            configuration ('default': unset, Debian's default,
 *                            as the issue's anchor figures); the first one is
 *                            the anchor of the ratios
 *   --spec-dir specs --specs a-mlp1,... [all]
 *   --spec-steps 200 --spec-seconds 15 --spec-warmup 3          (epoch times)
 *   --sgemm-size 2048 --sgemm-seconds 3 --peak-steps 20
 *   --gemm-seconds 0.2   time per product shape and way of the products' floor (gemm-floor.ts)
 *   --write <file> [BENCHMARKS.md at the repository root]
 *   --parallel-trials <n> [the cores]: n native processes (1 thread each)
 *                        train each spec at once, against one with every
 *                        thread (1: not measured)
 *   --keep-openblas-env  measure with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE as
 *                        set (by default the benchmark re-runs itself without them)
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeEngines, type Engine } from '../src/engines/index.js';
import { nativeSgemm, numpySgemm, openblasLoadedHere, type SgemmResult } from './blas.js';
import { debianPackages, load, mib, tfjsVersions } from './machine.js';
import { fmtMs, fmtSeconds, median } from './markdown.js';
import { peakRss } from './peak-rss.js';
import { renderReport } from './report.js';
import { loadPublishedSpecs, timeSpecSteps, type StepTiming } from './specs.js';
import { startTorch, tfjsRunner, trainFlopsPerSample, type Model, type TorchRunner } from './throughput.js';
import { openblasEnvironment } from './openblas-env.js';
import { specCosts, tableFloor, tableTime } from './table-time.js';
import { gemmFlops, isThin, stepFloor, stepGemms, stepSeconds, timeProducts, type Gemm } from './gemm-floor.js';
import { buildThroughputModel } from '@modelspec/core';
import type { BenchResults } from './report.js';
import { parallelTrials, type ParallelTiming } from './parallel-trials.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
function arg(name: string, def: string, quickDef = def): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : quick ? quickDef : def;
}
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

const o = {
  engines: list(arg('engines', '')),
  reps: Number(arg('reps', '5', '1')),
  seconds: Number(arg('seconds', '3', '0.2')),
  models: list(arg('models', 'mlp,cnn')) as Model[],
  batches: list(arg('batches', '32,512')).map(Number),
  torchThreads: Number(arg('torch-threads', '2')),
  torchBlas: list(arg('torch-blas-threads', 'default,1')),
  torchPython: arg('torch-python', '/usr/bin/python3'),
  specDir: resolve(arg('spec-dir', resolve(repoRoot, 'specs'))),
  specs: list(arg('specs', '')),
  specSteps: Number(arg('spec-steps', '200', '2')),
  specSeconds: Number(arg('spec-seconds', '15', '0.5')),
  specWarmup: Number(arg('spec-warmup', '3', '1')),
  sgemmSize: Number(arg('sgemm-size', '2048', '256')),
  sgemmSeconds: Number(arg('sgemm-seconds', '3', '0.1')),
  gemmSeconds: Number(arg('gemm-seconds', '0.2', '0.02')),
  peakSteps: Number(arg('peak-steps', '20', '2')),
  parallelTrials: Number(arg('parallel-trials', String(availableParallelism()))),
  write: argv.includes('--write') ? resolve(arg('write', '')) : quick ? null : resolve(repoRoot, 'BENCHMARKS.md'),
};

const log = (s: string) => console.log(s);
const fail = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
const notMeasured: string[] = [];

/** The engines asked for (all available by default) and the PyTorch configurations that start. */
async function setUp(): Promise<{ engines: Engine[]; details: [string, string][]; torches: TorchRunner[] }> {
  // --quick leaves the cpu engine out unless asked for: one CNN batch-512 step takes tens of seconds on it.
  const wanted = o.engines.length ? o.engines : [...nodeEngines.map((e) => e.type).filter((n) => !(quick && n === 'cpu')), 'torch'];
  if (quick && !o.engines.length) notMeasured.push('cpu: left out by --quick (one CNN batch-512 step takes tens of seconds on it); `--engines native,wasm,cpu,torch` includes it');
  const engines: Engine[] = [];
  const details: [string, string][] = [];
  for (const name of wanted.filter((n) => n !== 'torch')) {
    const e = nodeEngines.find((x) => x.type === name);
    const p = e ? await e.probe() : { available: false as const, reason: 'unknown engine' };
    if (!p.available) {
      notMeasured.push(`${name}: ${p.reason}${'fix' in p && p.fix ? ` (fix: ${p.fix})` : ''}`);
      continue;
    }
    engines.push(e!);
    details.push([`engine ${name}`, p.detail ?? e!.description]);
  }
  const torches: TorchRunner[] = [];
  for (const blas of wanted.includes('torch') ? o.torchBlas : []) {
    const t = await startTorch(o.torchPython, o.torchThreads, blas);
    if (typeof t === 'string') notMeasured.push(`torch (OPENBLAS_NUM_THREADS=${blas}): ${t}`);
    else torches.push(t);
  }
  return { engines, details, torches };
}

/** Samples/s of every (runner, model, batch), repetitions interleaved across runners. */
async function throughput(engines: Engine[], torches: TorchRunner[]) {
  const runners = [
    ...engines.map((e) => ({ label: e.type, ...tfjsRunner(e, o.seconds) })),
    ...torches.map((t) => ({ label: t.label, run: (m: Model, b: number) => t.run(m, b, o.seconds), close: t.close })),
  ];
  const cells = o.models.flatMap((m) => o.batches.map((b) => ({ m, b, key: `${m.toUpperCase()} b${b}` })));
  const samples = new Map<string, number[]>(); // `${label} ${cell}` -> samples/s per repetition
  const broken = new Set<string>();
  for (let r = 1; r <= o.reps; r++) {
    for (const c of cells) {
      for (const x of runners) {
        const k = `${x.label} ${c.key}`;
        if (broken.has(k)) continue;
        try {
          const v = await x.run(c.m, c.b);
          samples.set(k, [...(samples.get(k) ?? []), v]);
          log(`rep ${r} ${k}: ${v.toFixed(0)} samples/s`);
        } catch (e) {
          broken.add(k);
          notMeasured.push(`${k}: ${fail(e)}`);
          log(`rep ${r} ${k}: failed: ${fail(e)}`);
        }
      }
    }
  }
  for (const x of runners) await x.close();
  return {
    rows: runners.map((x) => x.label),
    cells: cells.map((c) => c.key),
    median: (row: string, cell: string) => {
      const v = samples.get(`${row} ${cell}`);
      return v?.length ? median(v) : undefined;
    },
  };
}

async function main() {
  // before anything loads OpenBLAS here: without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (re-runs itself when they are set)
  const openblasEnv = openblasEnvironment(argv);
  const started = new Date();
  const loadStart = load();
  const { engines, details, torches } = await setUp();
  log(`engines: ${engines.map((e) => e.type).join(', ')}; ${torches.map((t) => t.label).join(', ') || 'no PyTorch'}; load average ${loadStart}`);

  // sgemm peak
  const sgemm: SgemmResult[] = [];
  const native = engines.some((e) => e.type === 'native') ? nativeSgemm(o.sgemmSize, o.sgemmSeconds) : 'the native engine is not measured';
  if (typeof native === 'string') notMeasured.push(`sgemm via the native addon: ${native}`);
  else sgemm.push(native);
  const np = numpySgemm(o.torchPython, o.sgemmSize, o.sgemmSeconds);
  if (typeof np.sgemm === 'string') notMeasured.push(`sgemm via numpy: ${np.sgemm}`);
  else sgemm.push(np.sgemm);
  for (const s of sgemm) log(`sgemm ${s.n}: ${s.gflops.toFixed(1)} GFLOP/s via ${s.via}`);

  const tp = await throughput(engines, torches);

  // epoch time of the published specs, engines interleaved per spec
  const loaded = await loadPublishedSpecs(o.specDir);
  for (const f of loaded.failed) notMeasured.push(`${f.file}: ${f.reason}`);
  const specs = loaded.specs.filter((s) => !o.specs.length || o.specs.includes(s.name));
  const epoch = new Map<string, StepTiming>(); // `${spec} ${engine}`
  const failures = new Map<string, string[]>(); // `${engine}: ${reason}` -> specs
  for (const s of specs) {
    for (const e of engines) {
      try {
        const t = await timeSpecSteps(s, e, { warmup: o.specWarmup, maxSteps: o.specSteps, maxSeconds: o.specSeconds });
        epoch.set(`${s.name} ${e.type}`, t);
        log(`${s.name} on ${e.type}: ${fmtMs(t.secondsPerStep)}/step over ${t.steps} step(s), epoch ${fmtSeconds(t.secondsPerStep * s.stepsPerEpoch)}`);
      } catch (err) {
        const k = `${e.type}: ${fail(err)}`;
        failures.set(k, [...(failures.get(k) ?? []), s.name]);
        log(`${s.name} on ${k}`);
      }
    }
  }
  for (const [k, names] of failures) notMeasured.push(`epoch time of ${names.join(', ')} on ${k}`);

  // every spec's training FLOPs (and its search's candidates'), and the whole table's time on each engine
  const costs = await specCosts(specs);
  const tableTimes = engines.map((e) => tableTime(e.type, specs, costs, (spec) => epoch.get(`${spec} ${e.type}`)?.secondsPerStep));

  // independent trials at once: as many native processes as cores, one engine thread each (`reproduce --workers`)
  const parallel: ParallelTiming[] = [];
  const processes = o.parallelTrials;
  if (processes > 1 && engines.some((e) => e.type === 'native')) {
    // both ways in fresh processes, as `modelspec reproduce` runs a trial: one process with every thread, then `processes` with one each
    for (const s of specs) {
      const one = await parallelTrials(s.file, s.name, { engine: 'native', processes: 1, threads: 0, maxSteps: o.specSteps, maxSeconds: o.specSeconds });
      const many = typeof one === 'string' ? one : await parallelTrials(s.file, s.name, { engine: 'native', processes, threads: 1, maxSteps: o.specSteps, maxSeconds: o.specSeconds });
      if (typeof one === 'string' || typeof many === 'string') {
        notMeasured.push(`${s.name}, trials in processes: ${typeof one === 'string' ? one : many}`);
        continue;
      }
      parallel.push({ spec: s.name, single: one.perProcess[0]!, perProcess: many.perProcess });
      log(`${s.name}: one native process (every thread) ${fmtMs(one.perProcess[0]!.secondsPerStep)}/step; ${processes} at once (1 thread each) ${many.perProcess.map((t) => fmtMs(t.secondsPerStep)).join(', ')}/step`);
    }
    const single = (spec: string) => parallel.find((x) => x.spec === spec)?.single.secondsPerStep;
    const slowest = (spec: string) => {
      const t = parallel.find((x) => x.spec === spec)?.perProcess;
      return t?.length ? Math.max(...t.map((x) => x.secondsPerStep)) : undefined;
    };
    tableTimes.push({ ...tableTime('native', specs, costs, single, 1), engine: 'native (a process per reproduction)' });
    tableTimes.push(tableTime('native', specs, costs, slowest, processes, single));
  } else if (processes > 1) notMeasured.push('trials in parallel: the native engine is not measured');

  for (const t of tableTimes) log(`the whole table (each spec's seeds, searches included) on ${t.engine}, ${t.concurrency} trial(s) at once: ${fmtSeconds(t.totalSeconds)}${t.missing.length ? ` without ${t.missing.join(', ')}` : ''}`);

  // what this machine's sgemm allows: every step's products alone, at their own shapes
  let gemmFloor: BenchResults['gemmFloor'] = null;
  if (engines.some((e) => e.type === 'native')) {
    const cellGemms: { cell: string; batch: number; gemms: Gemm[] }[] = [];
    for (const m of o.models) {
      const model = buildThroughputModel(m);
      for (const b of o.batches) {
        const gs = stepGemms(model, b);
        if (typeof gs === 'string') notMeasured.push(`the products' floor of ${m} b${b}: ${gs}`);
        else cellGemms.push({ cell: `${m.toUpperCase()} b${b}`, batch: b, gemms: gs });
      }
      model.dispose();
    }
    const all = [...cellGemms.flatMap((c) => c.gemms), ...costs.flatMap((c) => [c.gemms, ...(c.search?.candidates.map((k) => k.gemms) ?? [])]).flatMap((g) => (typeof g === 'string' ? [] : g))];
    const times = timeProducts(all, { seconds: o.gemmSeconds, python: o.torchPython });
    if (typeof times === 'string') notMeasured.push(`the products' floor: ${times}`);
    else {
      notMeasured.push(...times.failed);
      const cells = cellGemms.map((c) => ({ cell: c.cell, batch: c.batch, products: c.gemms.length, flops: gemmFlops(c.gemms), stepSeconds: stepSeconds(times, c.gemms) }));
      const floor = tableFloor(specs, costs, (gs) => stepFloor(times, gs, processes));
      const thin = tableFloor(specs, costs, (gs) => stepFloor(times, gs, processes, isThin));
      gemmFloor = { seconds: o.gemmSeconds, ways: times.ways, processes, cells, table: floor, thinTableSeconds: thin.totalSeconds };
      for (const c of cells) log(`${c.cell}: its ${c.products} products alone take ${fmtMs(c.stepSeconds)}/step`);
      log(`the whole table with every step at its products' time: ${fmtSeconds(floor.totalSeconds)}`);
    }
  } else notMeasured.push("the products' floor: the native engine is not measured");

  // peak RSS of the largest spec's training on the default engine
  const largest = [...loaded.specs].sort((a, b) => b.memoryEstimate - a.memoryEstimate)[0];
  const peak = largest ? await peakRss(largest.file, o.peakSteps) : 'no spec loads';
  if (typeof peak === 'string') notMeasured.push(`peak memory${largest ? ` of ${largest.name}` : ''}: ${peak}`);
  else log(`peak RSS of ${peak.spec} on ${peak.engine}: ${mib(peak.maxRss)}`);

  const text = renderReport({
    quick,
    command: ['npx tsx', ...process.execArgv.filter((a) => a.startsWith('--conditions')), relative(repoRoot, process.argv[1]!), ...argv].join(' '),
    started,
    seconds: (Date.now() - started.getTime()) / 1000,
    load: { start: loadStart, end: load() },
    openblasEnv,
    versions: [
      ['node', process.version],
      ...tfjsVersions(),
      ...details,
      ['PyTorch', torches[0] ? `${torches[0].info.torch} (python ${torches[0].info.python}, ${o.torchPython})` : 'n/a'],
      ['numpy', np.numpy ?? 'n/a'],
      ['OpenBLAS', [np.openblasConfig, openblasLoadedHere() ?? np.openblasLibrary].filter(Boolean).join(', ') || 'n/a'],
      ['Debian packages', debianPackages(['python3-torch', 'python3-numpy', 'libopenblas0-pthread', 'libopenblas0-openmp', 'libopenblas0-serial', 'libopenblas0']).join(', ') || 'n/a'],
    ],
    settings: o,
    rows: tp.rows,
    cells: tp.cells,
    throughput: tp.median,
    torchRows: torches.map((t) => t.label),
    sgemm,
    flopsPerSample: { MLP: trainFlopsPerSample('mlp'), CNN: trainFlopsPerSample('cnn') },
    costs,
    tableTimes,
    parallel,
    engines: engines.map((e) => e.type),
    specs,
    epoch: (spec, engine) => epoch.get(`${spec} ${engine}`),
    gemmFloor,
    peak: typeof peak === 'string' ? null : { ...peak, estimate: largest!.memoryEstimate },
    ownPeakRss: process.resourceUsage().maxRSS * 1024,
    notMeasured,
  });
  log(`\n${text}`);
  if (o.write) {
    writeFileSync(o.write, text);
    log(`wrote ${o.write}`);
  } else log('(--quick without --write: no file written)');
  process.exit(0);
}

await main();
