import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { formatIssues, makeJob, type ResolvedModelSpec, type RunOutcome } from '@modelspec/core';
import { loadSpecFile, shown } from '../spec-files.js';
import { runOverrides } from '../overrides.js';
import { Progress } from '../progress.js';
import type { Io } from '../io.js';
import { interruptible } from '../interrupt.js';
import { composed } from '../compose.js';
import { renderRunEvent } from '../events.js';

export interface TrainOptions {
  seed?: number;
  epochs?: number;
  limit?: number;
  testLimit?: number;
  out: string;
  engine?: string;
  json?: boolean;
  set?: Record<string, unknown>;
  memoryBudget?: number;
}

/** Published figures next to measured ones, for the end of a run. */
function comparison(spec: ResolvedModelSpec, outcome: RunOutcome): string[] {
  const figures = spec.reference?.figures ?? [];
  return Object.entries(outcome.summary?.measured ?? {})
    .filter(([k]) => k.startsWith('test') || figures.some((f) => f.metric === k))
    .map(([k, v]) => {
      const f = figures.find((x) => x.metric === k);
      return `  ${k.padEnd(15)} ${v.toFixed(4)}${f ? `   published ${f.value} (${v - f.value >= 0 ? '+' : ''}${(v - f.value).toFixed(4)})` : ''}`;
    });
}

/** One run of a spec: a job for the run layer, its events rendered, its records in a new run folder. */
export async function trainCommand(specPath: string, o: TrainOptions, io: Io): Promise<number> {
  const overrides = runOverrides(o);
  const loaded = await loadSpecFile(specPath, o.memoryBudget, overrides);
  if (!loaded.ok) {
    io.err(formatIssues(loaded.issues, loaded.file));
    return 1;
  }
  if (loaded.issues.length) io.err(formatIssues(loaded.issues, loaded.file));
  const { spec } = loaded;
  const c = composed();
  const progress = new Progress(io, spec.training.epochs, spec.name);
  const interrupt = interruptible(io, 'finishing the current batch, keeping the last complete epoch (Ctrl-C again to quit now)');
  try {
    const job = makeJob({ spec, specFile: shown(specPath), overrides, limit: o.limit, testLimit: o.testLimit, engine: o.engine, plugins: c.host.records() });
    const exec = c.executor({ specDir: dirname(resolve(specPath)), out: o.out, signal: interrupt });
    const outcome = await exec(job, (e) => renderRunEvent(e, io, progress, spec.name, { announce: true }));
    const summary = outcome.summary!;
    if (o.json) {
      const metrics = outcome.location ? JSON.parse(await readFile(join(outcome.location, 'metrics.json'), 'utf8')) : {};
      io.out(JSON.stringify({ run: outcome.location, status: outcome.status, ...metrics }, null, 2));
    } else {
      io.out(`${spec.name}: ${summary.stopReason}, ${summary.history.length} epoch(s) in ${summary.trainSeconds.toFixed(1)}s on ${outcome.engine.name}`);
      for (const l of comparison(spec, outcome)) io.out(l);
      if (outcome.location) io.out(`  run folder      ${shown(outcome.location)}`);
    }
    if (outcome.status === 'diverged') {
      const kept = summary.history.length - 1;
      io.err(`${spec.name}: diverged: the training loss became non-finite in epoch ${summary.history.length}; ${kept > 0 ? `the run keeps epoch ${kept}'s weights` : 'no epoch completed, so no model was saved'}`);
      io.err('  fix: lower the learning rate (training.optimizer.learningRate), or check the data scaling (data.preprocess.divideBy)');
      return 1;
    }
    return outcome.status === 'interrupted' ? 130 : 0;
  } finally {
    interrupt.release();
  }
}
