import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { canonicalJson, formatIssues, makeJob, ModelspecError, runJob, type ResolvedModelSpec, type RunOutcome } from '@modelspec/core';
import { loadSpecFile, shown } from '../spec-files.js';
import { runOverrides } from '../overrides.js';
import { Progress } from '../progress.js';
import type { Io } from '../io.js';
import { interruptible } from '../interrupt.js';
import { composed } from '../compose.js';
import { renderRunEvent } from '../events.js';
import { checkOutDir } from '../output-dir.js';

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
  resume?: string;
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
export async function trainCommand(specPath: string | undefined, o: TrainOptions, io: Io): Promise<number> {
  if (o.resume) return resumeCommand(o.resume, specPath, o, io);
  if (!specPath) {
    io.err('error: train needs a spec file (or --resume <run folder>)');
    return 2;
  }
  await checkOutDir(o.out);
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
    // a train is always a new run: --fresh semantics (reproduce and search reuse and resume)
    const exec = c.executor({ specDir: dirname(resolve(specPath)), out: o.out, signal: interrupt, fresh: true });
    const outcome = await exec(job, (e) => renderRunEvent(e, io, progress, spec.name, { announce: true }));
    return finished(spec, outcome, o, io);
  } finally {
    interrupt.release();
  }
}

/** What the end of a run prints, and its exit code. */
async function finished(spec: ResolvedModelSpec, outcome: RunOutcome, o: TrainOptions, io: Io): Promise<number> {
  {
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
    if (outcome.status === 'interrupted' && outcome.location) io.err(`  resume with: modelspec train --resume ${shown(outcome.location)}`);
    return outcome.status === 'interrupted' ? 130 : 0;
  }
}

/** Which top-level parts of two resolved specs differ. */
function specDifferences(a: ResolvedModelSpec, b: ResolvedModelSpec): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof ResolvedModelSpec)[];
  return keys.filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
}

/**
 * `train --resume <run>`: the run's own job goes on from its last checkpoint
 * in its own folder, on the engine and data it started with, and ends as if
 * it had never stopped. Refused, with the reason, when that cannot hold.
 */
async function resumeCommand(location: string, specPath: string | undefined, o: TrainOptions, io: Io): Promise<number> {
  const c = composed();
  const store = c.store(dirname(resolve(location)));
  const run = await store.load(resolve(location));
  const where = shown(run.location);
  if (!run.job) throw new ModelspecError('not-resumable', `${where}: this run has no job.json (it was made by an older modelspec) and cannot be resumed`);
  if (run.status === 'completed' || run.status === 'diverged') throw new ModelspecError('nothing-to-resume', `${where}: this run already ${run.status === 'completed' ? 'completed' : 'ended (diverged)'}; there is nothing to resume`, 'start a new run with modelspec train <spec>');
  if (run.status === 'running') throw new ModelspecError('still-running', `${where}: this run is still running (its process is alive)`, 'stop it first (Ctrl-C or kill), then resume');
  const job = run.job;
  if (specPath) {
    const loaded = await loadSpecFile(specPath, o.memoryBudget, runOverrides(o));
    if (!loaded.ok) {
      io.err(formatIssues(loaded.issues, loaded.file));
      return 1;
    }
    const diff = specDifferences(loaded.spec, job.spec);
    if (diff.length) throw new ModelspecError('resume-spec-changed', `${where}: ${shown(specPath)} differs from the spec the run was started with (in ${diff.join(', ')})`, 'resume without the spec argument to continue the run as it was, or start a new run');
  }
  const have = c.host.records();
  const key = (p: { name: string; version: string }) => `${p.name}@${p.version}`;
  const missing = job.plugins.filter((p) => !have.some((h) => key(h) === key(p)));
  if (missing.length) throw new ModelspecError('resume-plugins-changed', `${where}: the run used ${missing.map(key).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not loaded here (loaded: ${have.map(key).join(', ')})`, 'load the same plugins (--plugin) at the same versions');
  if (o.engine && run.engine && o.engine !== run.engine) throw new ModelspecError('resume-engine-changed', `${where}: the run trained on ${run.engine}; resuming on ${o.engine} would not give the same weights`, `leave --engine out (or use --engine ${run.engine})`);
  const engine = run.engine ?? undefined;
  if (engine) {
    const status = (await c.backend().engines()).find((e) => e.name === engine);
    if (!status?.available) throw new ModelspecError('resume-engine-unavailable', `${where}: the run trained on ${engine}, which is not available here${status?.reason ? ` (${status.reason})` : ''}`, status?.fix);
  }
  const spec = job.spec;
  const progress = new Progress(io, spec.training.epochs, spec.name);
  const interrupt = interruptible(io, 'finishing the current batch and checkpointing there (Ctrl-C again to quit now)');
  try {
    io.err(`${spec.name}: resuming ${where} ${run.checkpoint ? `after epoch ${run.checkpoint.epoch}${run.checkpoint.batch ? `, batch ${run.checkpoint.batch}` : ''}` : 'from the start (it has no checkpoint yet)'}`);
    const specDir = job.specFile ? dirname(resolve(job.specFile)) : undefined;
    const outcome = await runJob(job, {
      registries: c.reg,
      backend: c.backend(specDir),
      plugins: have,
      signal: interrupt,
      onEvent: (e) => renderRunEvent(e, io, progress, spec.name, { announce: true }),
      resume: { state: run.checkpoint, record: (start) => store.reopen(run, start), ...(engine ? { engine } : {}), ...(run.files ? { files: run.files } : {}) },
    });
    return finished(spec, outcome, o, io);
  } finally {
    interrupt.release();
  }
}
