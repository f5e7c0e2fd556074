/** BENCHMARKS.md from one run's results (engines.ts). Only formats: every number comes in `r`. */
import type { SgemmResult } from './blas.js';
import { machineRows, mib } from './machine.js';
import { fmtDuration, fmtInt, fmtMs, fmtSeconds, table } from './markdown.js';
import type { PeakResult } from './peak-rss.js';
import type { PublishedSpec, StepTiming } from './specs.js';

export interface BenchResults {
  quick: boolean;
  command: string;
  started: Date;
  seconds: number;
  load: { start: string; end: string };
  versions: [string, string][];
  settings: { reps: number; seconds: number; torchThreads: number; sgemmSize: number; sgemmSeconds: number; specWarmup: number; specSteps: number; specSeconds: number };
  /** Throughput rows (engines, then PyTorch configurations), columns ("MLP b32"...), medians of samples/s. */
  rows: string[];
  cells: string[];
  throughput(row: string, cell: string): number | undefined;
  /** PyTorch rows; the first is the anchor. */
  torchRows: string[];
  sgemm: SgemmResult[];
  mlpFlopsPerSample: number;
  engines: string[];
  specs: PublishedSpec[];
  epoch(spec: string, engine: string): StepTiming | undefined;
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

  md.push('## sgemm peak and MLP batch-512 efficiency', '');
  const peak = r.sgemm.length ? r.sgemm.reduce((a, b) => (b.gflops > a.gflops ? b : a)) : undefined;
  if (peak) {
    const fps = r.mlpFlopsPerSample;
    md.push(
      `Float32 ${s.sgemmSize} x ${s.sgemmSize} x ${s.sgemmSize} matrix products (2n³ flops each): the best call after a warm-up, calls for about ${s.sgemmSeconds} s each way. ` +
        `The peak used below is the higher of the two: **${peak.gflops.toFixed(1)} GFLOP/s via ${peak.via}**.`,
      '',
      table(['sgemm via', 'GFLOP/s', 'calls', 'how'], r.sgemm.map((x) => [x.via, x.gflops.toFixed(1), String(x.calls), x.detail])),
      '',
      `MLP training flops per sample, counted from the model's layers: 3 (forward + backward) x 2 x ${fmtInt(fps / 6)} forward multiply-adds = ${(fps / 1e6).toFixed(2)} MFLOP.`,
      '',
      table(['engine', 'MLP b512 samples/s', 'GFLOP/s', 'fraction of peak'], r.rows.flatMap((l) => {
        const v = r.throughput(l, 'MLP b512');
        if (v === undefined) return [];
        const g = (v * fps) / 1e9;
        return [[l, fmtInt(v), g.toFixed(1), `${((100 * g) / peak.gflops).toFixed(1)}%`]];
      })),
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
      'Not included: loading the data and the validation pass after each epoch. Cells: epoch time (time per step, timed steps); ' +
      `* marks a cell whose only measured step was the first, which alone took more than ${s.specSeconds} s; n/a: see "Not measured".`,
    '',
    table(['spec', 'batch', 'training examples', 'steps/epoch', ...r.engines], r.specs.map((p) => [
      p.name, String(p.batch), p.split, fmtInt(p.stepsPerEpoch), ...r.engines.map((e) => {
        const t = r.epoch(p.name, e);
        return t ? `${fmtSeconds(t.secondsPerStep * p.stepsPerEpoch)} (${fmtMs(t.secondsPerStep)}, ${t.steps}${t.warmupOnly ? '*' : ''})` : 'n/a';
      }),
    ])),
    '',
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
