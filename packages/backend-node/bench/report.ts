/** BENCHMARKS.md from one run's results (engines.ts). Only formats: every number comes in `r`. */
import type { SgemmResult } from './blas.js';
import { machineRows, mib } from './machine.js';
import { fmtDuration, fmtHours, fmtInt, fmtMs, fmtSeconds, table } from './markdown.js';
import type { PeakResult } from './peak-rss.js';
import type { PublishedSpec, StepTiming } from './specs.js';
import { tableFlops, type SpecCost, type TableFloor, type TableTime } from './table-time.js';
import type { ParallelTiming } from './parallel-trials.js';
import { THIN } from './gemm-floor.js';

export interface BenchResults {
  quick: boolean;
  command: string;
  started: Date;
  seconds: number;
  load: { start: string; end: string };
  /** What the run had of OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, and what it unset. */
  openblasEnv: string;
  versions: [string, string][];
  settings: { reps: number; seconds: number; torchThreads: number; sgemmSize: number; sgemmSeconds: number; specWarmup: number; specSteps: number; specSeconds: number };
  /** Throughput rows (engines, then PyTorch configurations), columns ("MLP b32"...), medians of samples/s. */
  rows: string[];
  cells: string[];
  throughput(row: string, cell: string): number | undefined;
  /** PyTorch rows; the first is the anchor. */
  torchRows: string[];
  sgemm: SgemmResult[];
  /** Training FLOPs per sample of the throughput models, by the cells' model label ("MLP", "CNN"). */
  flopsPerSample: Record<string, number>;
  /** Every spec's training FLOPs, seeds, epochs and search. */
  costs: SpecCost[];
  /** The whole table's training time on each engine, from the epoch times below. */
  tableTimes: TableTime[];
  /** Each spec trained in several native processes at once (one thread each). */
  parallel: ParallelTiming[];
  engines: string[];
  specs: PublishedSpec[];
  epoch(spec: string, engine: string): StepTiming | undefined;
  /** Every step's matrix products alone at their shapes (gemm-floor.ts): the throughput cells' and the whole table's. */
  gemmFloor: {
    seconds: number;
    /** How the products were timed (each keeps the fastest way's time). */
    ways: string[];
    processes: number;
    cells: { cell: string; batch: number; products: number; flops: number; stepSeconds: number }[];
    table: TableFloor;
    /** The same table counting only the thin products (gemm-floor.ts's THIN). */
    thinTableSeconds: number;
  } | null;
  peak: (PeakResult & { estimate: number }) | null;
  ownPeakRss: number;
  notMeasured: string[];
}

export function renderReport(r: BenchResults): string {
  const s = r.settings;
  const md: string[] = [
    '<!-- Written by packages/backend-node/bench/engines.ts. Do not edit by hand: re-run the command below. -->',
    '# Benchmarks',
    '',
    'Written by the engine benchmark (`packages/backend-node/bench/engines.ts`). Every number below was measured by the one run described here.' +
      (r.quick ? ' **This is a `--quick` smoke run: tiny step and repetition counts, not benchmark figures.**' : ''),
    '',
    `- Command: \`${r.command}\` (from the repository root)`,
    `- Date: ${r.started.toISOString()}, ${fmtDuration(r.seconds)}`,
    `- Load average (1, 5, 15 min): ${r.load.start} at the start, ${r.load.end} at the end`,
    `- OpenBLAS environment: ${r.openblasEnv}`,
    '',
    '## Machine',
    '',
    table(['', ''], machineRows()),
    '',
    '## Versions',
    '',
    table(['', ''], r.versions),
    '',
  ];

  if (r.rows.length) {
    md.push(
      '## Training throughput',
      '',
      'Samples/s (median of the repetitions) of one training step after another on one synthetic batch (tfjs `trainOnBatch`; ' +
        'PyTorch: `zero_grad`, forward, cross-entropy, `backward`, Adam `step`, `loss.item()`), Adam lr 1e-3: ' +
        '**MLP** 784-512-256-10 (relu, softmax), **CNN** conv 32 3x3 relu - maxpool 2 - dense 128 relu - dense 10 softmax. ' +
        `${s.reps} repetition(s) of about ${s.seconds} s (at least one step) per cell after warm-up, every engine and PyTorch configuration interleaved within a repetition. ` +
        `PyTorch: CPU, \`torch.set_num_threads(${s.torchThreads})\`, in a process of its own; "Debian default" leaves OPENBLAS_NUM_THREADS unset ` +
        "(Debian's torch then calls a multi-threaded OpenBLAS from its own threads), the configuration the issue's anchor figures were taken with.",
      '',
      table(['engine', ...r.cells], r.rows.map((l) => [l, ...r.cells.map((c) => {
        const v = r.throughput(l, c);
        return v === undefined ? 'n/a' : fmtInt(v);
      })])),
      '',
    );
    r.torchRows.forEach((t, i) => {
      md.push(
        `Ratio to ${t}${i === 0 ? ', the anchor' : ''} (samples/s over PyTorch's; above 1: faster than PyTorch):`,
        '',
        table(['engine', ...r.cells], r.rows.filter((l) => l !== t).map((l) => [l, ...r.cells.map((c) => {
          const a = r.throughput(l, c), b = r.throughput(t, c);
          return a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(2)}x`;
        })])),
        '',
      );
    });
  }

  md.push('## sgemm peak and training efficiency', '');
  const peak = r.sgemm.length ? r.sgemm.reduce((a, b) => (b.gflops > a.gflops ? b : a)) : undefined;
  const flopsOfCell = (cell: string) => r.flopsPerSample[cell.split(' ')[0]!];
  if (peak) {
    md.push(
      `Float32 ${s.sgemmSize} x ${s.sgemmSize} x ${s.sgemmSize} matrix products (2n³ flops each): the best call after a warm-up, calls for about ${s.sgemmSeconds} s each way. ` +
        `The peak used below is the higher of the two: **${peak.gflops.toFixed(1)} GFLOP/s via ${peak.via}**.`,
      '',
      table(['sgemm via', 'GFLOP/s', 'calls', 'how'], r.sgemm.map((x) => [x.via, x.gflops.toFixed(1), String(x.calls), x.detail])),
      '',
      'Training flops per sample, counted from the models\' layers: 3 (forward + backward) x 2 x the forward multiply-adds of their kernels (dense and convolution; ' +
        'pooling, activations and the optimizer are not counted): ' +
        Object.entries(r.flopsPerSample).map(([m, f]) => `${m} ${(f / 1e6).toFixed(2)} MFLOP`).join(', ') + '.',
      '',
      'Training GFLOP/s of each throughput cell above (samples/s x flops per sample) and its fraction of the sgemm peak:',
      '',
      table(['engine', ...r.cells], r.rows.map((l) => [l, ...r.cells.map((c) => {
        const v = r.throughput(l, c);
        const f = flopsOfCell(c);
        if (v === undefined || f === undefined) return 'n/a';
        const g = (v * f) / 1e9;
        return `${g.toFixed(1)} (${((100 * g) / peak.gflops).toFixed(1)}%)`;
      })])),
      '',
    );
  } else md.push('Not measured (see "Not measured").', '');

  md.push(
    '## Epoch time of the published specs',
    '',
    "Each spec's model as modelspec core loads, checks and compiles it (seeded weights; the spec's optimizer, loss, metrics and regularizers), " +
      `trained through core's training loop on synthetic data of the spec's input shape: up to ${s.specWarmup} warm-up step(s), then up to ${s.specSteps} timed steps ` +
      `(fewer once ${s.specSeconds} s have passed). Epoch time = time per step x steps per epoch; steps per epoch = ceil(training examples / batch); ` +
      "training examples = 60,000 minus the spec's validation split (tail: Keras validation_split; random: sklearn train_test_split; testSet and none hold nothing out). " +
      'Not included: loading the data and the validation pass after each epoch. MFLOP/example: training flops per example, counted as for the throughput models. ' +
      'Cells: epoch time (time per step, timed steps, the step\'s flops over its time as a fraction of the sgemm peak); ' +
      `* marks a cell whose only measured step was the first, which alone took more than ${s.specSeconds} s; n/a: see "Not measured".`,
    '',
    table(['spec', 'batch', 'training examples', 'steps/epoch', 'MFLOP/example', ...r.engines], r.specs.map((p) => {
      const f = r.costs.find((c) => c.name === p.name)?.flopsPerExample;
      return [
        p.name, String(p.batch), p.split, fmtInt(p.stepsPerEpoch), f === undefined ? 'n/a' : (f / 1e6).toFixed(2), ...r.engines.map((e) => {
          const t = r.epoch(p.name, e);
          if (!t) return 'n/a';
          const share = peak && f !== undefined ? `, ${((100 * (f * p.batch)) / t.secondsPerStep / 1e9 / peak.gflops).toFixed(1)}% of peak` : '';
          return `${fmtSeconds(t.secondsPerStep * p.stepsPerEpoch)} (${fmtMs(t.secondsPerStep)}, ${t.steps}${t.warmupOnly ? '*' : ''}${share})`;
        }),
      ];
    })),
    '',
  );
  if (r.parallel.length) {
    const n = r.parallel[0]!.perProcess.length;
    md.push(
      '## Trials in parallel',
      '',
      `Independent trials (a reproduction's seeds, a search's folds) one after another, each with every engine thread, ` +
        `or ${n} at once in ${n} processes with one thread each (\`reproduce --workers ${n}\`). Both ways in fresh native processes, as a reproduction runs them ` +
        '(this benchmark\'s own process, which holds every engine and model above, times the same steps slower: the epoch table\'s native column): ' +
        `each spec's steps timed in one process alone, then in ${n} processes started together, warm. ` +
        `Trials per second of the parallel way over the sequential one = ${n} x (one process's step time) / (slowest parallel process's step time); above 1: \`--workers ${n}\` is faster.`,
      '',
      table(['spec', 'one trial, every thread', `${n} trials at once, each`, 'trials/s ratio'], r.parallel.map((p) => {
        const slowest = Math.max(...p.perProcess.map((t) => t.secondsPerStep));
        return [p.spec, fmtMs(p.single.secondsPerStep), p.perProcess.map((t) => fmtMs(t.secondsPerStep)).join(', '), `${((n * p.single.secondsPerStep) / slowest).toFixed(2)}x`];
      })),
      '',
    );
  }
  if (r.tableTimes.length) {
    const how = (t: TableTime) => (t.concurrency > 1 ? `${t.engine}, ${t.concurrency} trials at once (\`--workers ${t.concurrency}\`, step times from "Trials in parallel")` : `${t.engine}, one trial after another`);
    md.push(
      '## The whole published table',
      '',
      "The training time of `modelspec reproduce specs/`, computed from the step times above: every spec's seeds (its `reproduce.seeds`) x its epochs x its epoch time, " +
        "plus, for a spec whose reproduction runs its search, every candidate on every fold for the spec's epochs on a fold's examples (a candidate's step time: the spec's, scaled by the candidate's training flops over the spec's). " +
        'With trials at once, the seeds take ceil(seeds / processes) rounds and a search its trials\' sum over the processes, at the step time measured while the processes ran together, ' +
        'except a last round of one seed, which runs alone with every thread (the pool gives a trial left alone all the cores) at the one-process step time. ' +
        '"native (a process per reproduction)" takes its step times from the one-process column of "Trials in parallel" (a fresh process, as `modelspec reproduce` runs), the other lines from the epoch table. ' +
        'Not included: loading data, validation and test passes, and epochs that early stopping saves (so an upper bound on training, a lower bound on wall time).',
      '',
      ...r.tableTimes.map((t) => `- **${how(t)}: ${fmtHours(t.totalSeconds)}** (${fmtDuration(t.totalSeconds)})${t.missing.length ? `, leaving out ${t.missing.join(', ')} (no step time)` : ''}`),
      '',
    );
    const flops = tableFlops(r.specs, r.costs);
    if (peak) {
      const fastest = Math.min(...r.tableTimes.filter((t) => t.rows.length && !t.missing.length).map((t) => t.totalSeconds));
      md.push(
        `The floor on this machine: the table's training is ${(flops / 1e15).toFixed(2)} PFLOP (counted as for the throughput models: dense and convolution kernels only), ` +
          `which at the sgemm peak (${peak.gflops.toFixed(1)} GFLOP/s), every step on both cores at 100% of it, takes **${fmtHours(flops / (peak.gflops * 1e9))}**` +
          (Number.isFinite(fastest) ? `; the fastest way above runs at ${((100 * flops) / (peak.gflops * 1e9) / fastest).toFixed(1)}% of the peak on average.` : '.'),
        '',
      );
    }
    const best = [...r.tableTimes].filter((t) => t.rows.length).sort((a, b) => a.totalSeconds - b.totalSeconds)[0];
    if (best) {
      md.push(
        `By spec, the fastest way (${how(best)}):`,
        '',
        table(['spec', 'seeds x epochs', 'seed runs', 'search', 'total'], best.rows.map((row) => {
          const c = r.costs.find((x) => x.name === row.name)!;
          return [
            row.name, `${c.seeds} x ${c.epochs}`, fmtDuration(row.seedsSeconds),
            c.search ? `${fmtDuration(row.searchSeconds)} (${c.search.candidates.length} candidates x ${c.search.folds} folds x ${c.search.epochs} epochs on ${fmtInt(c.search.foldExamples)} examples)` : '',
            fmtDuration(row.seedsSeconds + row.searchSeconds),
          ];
        })),
        '',
      );
    }
  }
  if (r.gemmFloor) {
    const g = r.gemmFloor;
    const fastestTorch = (cell: string) => r.torchRows.map((l) => ({ l, v: r.throughput(l, cell) })).filter((x) => x.v !== undefined).sort((a, b) => b.v! - a.v!)[0];
    md.push(
      "## What this machine's sgemm allows",
      '',
      'The matrix products a training step must compute, whatever the framework: for every dense and conv2d layer its forward product, its kernel\'s gradient and, ' +
        'unless the layer reads the model\'s input, its input\'s gradient (a convolution as the one product im2col lowers it to). ' +
        `Each product is timed alone at its own shape, each way: ${g.ways.join('; ')}; the best of at least 3 calls, about ${g.seconds} s each way, and the fastest way counts. ` +
        'Their sum is what a step would take if nothing else in it (activations, pooling, the loss, the optimizer, im2col, the framework) cost anything: ' +
        'a floor under any engine that computes its products with this machine\'s BLAS. A direct convolution can beat its product where the product is thin ' +
        '(a 3x3 filter over one channel: a product 9 deep), as native\'s does for the CNNs\' first layers.',
      '',
      'The throughput cells (one trainer with every thread): the products\' time per step, their GFLOP/s there (and share of the sgemm peak), the samples/s that time allows, ' +
        'that figure over the fastest PyTorch configuration measured above, and what a step at twice PyTorch\'s samples/s leaves for everything else:',
      '',
      table(['cell', 'products', 'their time per step', 'at most samples/s', 'fastest PyTorch', 'at most x PyTorch', 'a 2x step leaves'], g.cells.map((c) => {
        const t = fastestTorch(c.cell);
        const gflops = c.flops / c.stepSeconds / 1e9;
        const room = t ? c.batch / (2 * t.v!) - c.stepSeconds : undefined;
        return [
          c.cell, String(c.products),
          `${fmtMs(c.stepSeconds)} (${gflops.toFixed(1)} GFLOP/s${peak ? `, ${((100 * gflops) / peak.gflops).toFixed(1)}%` : ''})`,
          fmtInt(c.batch / c.stepSeconds),
          t ? `${fmtInt(t.v!)} (${t.l})` : 'n/a',
          t ? `${(c.batch / c.stepSeconds / t.v!).toFixed(2)}x` : 'n/a',
          room === undefined ? 'n/a' : room > 0 ? fmtMs(room) : 'nothing: 2x is out of reach',
        ];
      })),
      '',
      `The whole published table with every step at its products' time (with every thread, or, when that is less, with one thread in each of ${g.processes} processes at once, scaling perfectly): ` +
        `**${fmtHours(g.table.totalSeconds)}** (${fmtDuration(g.table.totalSeconds)})` +
        (g.table.missing.length ? `, leaving out ${g.table.missing.join(', ')}` : '') +
        `; of it, ${fmtDuration(g.thinTableSeconds)} in thin products (${THIN} or less in one dimension), the only ones a direct kernel may do faster. ` +
        'Any engine on this BLAS takes longer, by the time of everything in a step that is not a product.',
      '',
      table(['spec', "products' time per step", 'the spec\'s trials at that time'], g.table.rows.map((row) => [row.name, fmtMs(row.stepSeconds), fmtDuration(row.seconds)])),
      '',
    );
  }
  md.push(
    '## Peak memory',
    '',
  );
  if (r.peak) {
    const p = r.peak;
    md.push(
      `Process RSS high-water mark (\`process.resourceUsage().maxRSS\`) of a child process that only trains **${p.spec}** ` +
        `(the largest published spec by modelspec's training-memory estimate, ${mib(p.estimate)}) on the default engine: ` +
        `its dataset loaded and split as \`modelspec train\` does, ${p.steps} training step(s) through core's loop, then one pass over the ${fmtInt(p.validationExamples)} validation examples.`,
      '',
      table(['spec', 'engine', 'peak RSS once the data is loaded and split', 'peak RSS at the end'], [[p.spec, p.engine, mib(p.rssAfterData), mib(p.maxRss)]]),
      '',
    );
  } else md.push('Not measured (see "Not measured").', '');
  md.push(`For comparison, the peak RSS of this benchmark's own process (every engine, model and spec above): ${mib(r.ownPeakRss)}.`, '');
  if (r.notMeasured.length) md.push('## Not measured', '', ...r.notMeasured.map((n) => `- ${n}`), '');
  return md.join('\n');
}
