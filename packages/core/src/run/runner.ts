import * as tf from '@tensorflow/tfjs-core';
import type { Backend, ModelMetadata } from '../backend/backend.js';
import { checkSpec } from '../check/check.js';
import { compileModel } from '../compile/compile.js';
import { ModelspecError, RunError } from '../errors.js';
import { formatIssue } from '../render.js';
import type { LoadedSpec } from '../spec/load.js';
import type { Registries } from '../spec/registries.js';
import { summarizeRun } from '../report/compare.js';
import { stratifiedKFold } from '../search/folds.js';
import { chooseEngine, inputShapeOf, loadSpecData, runExperiment, trainOptionsFor, type ExperimentHooks, type ExperimentResult } from '../training/experiment.js';
import { evaluateExamples, trainModel, type Examples } from '../training/loop.js';
import { disposeData, prepareData } from '../training/prepare.js';
import type { TrainState } from '../training/state.js';
import { MODELSPEC_VERSION } from '../plugin/define.js';
import type { PluginRecord } from '../plugin/host.js';
import type { ErrorData, RunEvent } from './events.js';
import { canonicalJson as canonical, type RunJob } from './job.js';
import { statusOf, type RunOutcome } from './outcome.js';
import type { FoldCheckpoint, RunRecord, RunStart, RunStore } from './store.js';

/** What a resumed run goes on from, and what must not have changed since. */
export interface ResumeFrom {
  state: TrainState | null;
  /** Reopens the stored run's record once the run knows its engine. */
  record(start: RunStart): Promise<RunRecord>;
  /** The dataset files the run was trained on: a resume refuses other bytes. */
  files?: Record<string, { sha256: string }>;
  /** The engine the run was trained on: a resume on another one would not give the same weights. */
  engine?: string;
}

/** A stop request: an AbortSignal (in Node and browsers alike), or anything with `aborted`. */
export interface StopSignal {
  readonly aborted: boolean;
}

/** Where a job runs: the registries and backend of this process, and where its records go. */
export interface RunnerContext {
  registries: Registries;
  backend: Backend;
  /** Where a `train` job's records go; none keeps nothing but the outcome. */
  store?: RunStore | null;
  /** The plugins loaded here: a job that needs one that is missing is refused. */
  plugins?: readonly PluginRecord[];
  signal?: StopSignal;
  onEvent?: (e: RunEvent) => void;
  /** Write a checkpoint at every epoch's end (default true when there is a store). */
  checkpoints?: boolean;
  /** Go on with a stored run: from its checkpoint (or from the start, when it has none), in its own record. */
  resume?: ResumeFrom | null;
  /** Go on with a `fold` job from its last checkpoint. */
  resumeFold?: FoldCheckpoint | null;
  /** Decoded datasets shared by the jobs of one executor (the folds of a search load the data once). */
  dataCache?: Map<string, ReturnType<typeof loadSpecData>>;
}

/** An error as data, for events and job records. */
export function errorData(e: unknown): ErrorData {
  if (e instanceof ModelspecError) return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** What a saved model records about itself. */
export function modelMetadata(result: ExperimentResult, plugins: readonly PluginRecord[]): ModelMetadata {
  const { spec } = result;
  return {
    modelspecVersion: MODELSPEC_VERSION,
    spec,
    classNames: result.classNames,
    inputShape: result.inputShape,
    preprocess: { divideBy: spec.data.preprocess.divideBy, labels: spec.data.preprocess.labels },
    seed: spec.seed,
    engine: result.engine.name,
    plugins: [...plugins],
  };
}

/** A job's spec, checked again here (a job is data from elsewhere: a queue, a page), as the stages take it. */
function checkedSpec(job: RunJob, ctx: RunnerContext): LoadedSpec {
  const have = ctx.plugins ?? [];
  const missing = job.plugins.filter((p) => !have.some((h) => h.name === p.name));
  if (missing.length) {
    throw new RunError('missing-plugin', `job ${job.id} needs the plugin(s) ${missing.map((p) => `${p.name}@${p.version}`).join(', ')}, which are not loaded here`, `load them with --plugin ${missing.map((p) => p.name).join(' --plugin ')}`);
  }
  const check = checkSpec(job.spec, ctx.registries, { parameterMismatch: 'warning' });
  const errors = check.issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new RunError('invalid-job', `job ${job.id}: its spec does not check: ${errors.slice(0, 3).map((i) => formatIssue(i)).join('; ')}`);
  return { file: job.specFile ?? job.spec.name, spec: job.spec, check, issues: [], source: null as never };
}

const gather = (e: Examples, idx: Int32Array): Examples =>
  tf.tidy(() => {
    const i = tf.tensor1d(idx, 'int32');
    return { x: tf.gather(e.x, i), y: tf.gather(e.y, i) };
  });

function cachedData(loaded: LoadedSpec, ctx: RunnerContext) {
  const key = canonical(loaded.spec.data.dataset);
  let d = ctx.dataCache?.get(key);
  if (!d) {
    d = loadSpecData(loaded.spec, ctx.backend, ctx.registries);
    ctx.dataCache?.set(key, d);
    d.catch(() => ctx.dataCache?.delete(key));
  }
  return d;
}

/** The dataset files whose bytes differ from what a checkpoint was trained on, named as now loaded (null: none). */
function changedFiles(was: Record<string, { sha256: string }>, now: Record<string, { location: string; sha256: string }>): string | null {
  const changed = Object.entries(was).filter(([k, x]) => now[k]?.sha256 !== x.sha256);
  return changed.length ? changed.map(([k]) => now[k]?.location ?? k).join(', ') : null;
}

const hashes = (files: Record<string, { sha256: string }>) => Object.fromEntries(Object.entries(files).map(([k, x]) => [k, { sha256: x.sha256 }]));

/**
 * Refuses to reuse a kept outcome whose dataset files are no longer the ones
 * it was trained on (a dataset replaced between sittings would otherwise mix
 * old results with new ones). Loads the job's data, as its run would, once
 * per executor.
 */
export async function checkKeptOutcome(job: RunJob, kept: RunOutcome, ctx: RunnerContext): Promise<void> {
  if (!kept.files) return;
  const data = await cachedData(checkedSpec(job, ctx), ctx);
  const changed = changedFiles(kept.files, data.files);
  const what = job.fold ? `fold ${job.fold.index + 1} of ${job.fold.folds}` : 'the run';
  if (changed) throw new RunError('resume-data-changed', `the dataset file(s) ${changed} differ from the ones ${what} was trained on (SHA-256), so its kept result is not reused`, 'run it again with --fresh to train everything on these files');
}

/**
 * A job's epoch and interrupt hooks around its checkpoint writer (`write`
 * says whether it wrote one): an epoch's checkpoint, where `keep` wants one,
 * is written before the epoch is announced, so an epoch said done is one a
 * resume goes on from; then `epoch`, then `checkpoint`.
 */
function checkpointHooks(jobId: string, emit: (e: RunEvent) => void, write: (state: () => Promise<TrainState>) => Promise<boolean>, keep: (epoch: number) => boolean = () => true): Required<Pick<ExperimentHooks, 'onEpoch' | 'onInterrupt'>> {
  return {
    onEpoch: async (r, state) => {
      const kept = !!state && keep(r.epoch) && (await write(state));
      emit({ type: 'epoch', job: jobId, record: r });
      if (kept) emit({ type: 'checkpoint', job: jobId, epoch: r.epoch });
    },
    onInterrupt: async (state) => {
      if (await write(state)) emit({ type: 'checkpoint', job: jobId, epoch: -1 });
    },
  };
}

/**
 * One fold of a cross-validation: train on the other k-1 stratified folds of
 * the training set, score on this one (sklearn's fit loop). With a store that
 * keeps fold checkpoints, its training state is kept at every epoch's end and
 * at a stop, and `resumeFold` goes on from it (a search stopped part-way
 * loses no finished epoch); the score is the one an unbroken fold gives.
 * The checkpoint outlives the fold: the executor drops it once the outcome
 * is kept (`settleJob`), so a crash in between loses nothing.
 */
async function runFold(job: RunJob, loaded: LoadedSpec, ctx: RunnerContext, emit: (e: RunEvent) => void): Promise<RunOutcome> {
  const f = job.fold!;
  const data = await cachedData(loaded, ctx);
  const from = ctx.resumeFold ?? null;
  if (from) {
    const changed = changedFiles(from.files, data.files);
    if (changed) throw new RunError('resume-data-changed', `the dataset file(s) ${changed} differ from the ones fold ${f.index + 1} of ${f.folds} was trained on (SHA-256)`, "run it again with --fresh: the search's folds must all see the same data");
  }
  const keep = ctx.checkpoints ?? true;
  const save = keep && ctx.store?.saveFoldCheckpoint ? ctx.store.saveFoldCheckpoint.bind(ctx.store) : null;
  let fellBackFrom: { name: string; reason: string } | null = null;
  const engine = await chooseEngine(loaded, ctx.backend, ctx.registries, data.classNames.length, from?.engine ?? job.engine ?? undefined, (_e, from) => (fellBackFrom = from ?? null));
  const n = Math.min(job.limit ?? Infinity, data.dataset.train.count);
  const fold = stratifiedKFold(data.dataset.train.labels.subarray(0, n), f.folds)[f.index]!;
  // the folds are the validation: the spec's own split is not used
  const spec = { ...loaded.spec, data: { ...loaded.spec.data, validation: { type: 'none' as const } } };
  const all = prepareData({ train: data.dataset.train, test: null }, spec, inputShapeOf(loaded), data.classNames.length, { limit: n });
  const counts = { train: fold.train.length, validation: fold.test.length, test: 0 };
  emit({ type: 'started', job: job.id, location: null, engine, fellBackFrom, counts, resumedFrom: from ? from.state.epoch : null });
  const train = gather(all.train, fold.train);
  const test = gather(all.train, fold.test);
  disposeData(all);
  const files = hashes(data.files);
  const checkpoint = async (state: () => Promise<TrainState>) => {
    if (!save) return false;
    await save(job.id, { state: await state(), engine: engine.name, files } satisfies FoldCheckpoint);
    return true;
  };
  const model = compileModel(loaded.spec, loaded.check.graph, ctx.registries);
  const hooks: ExperimentHooks = {
    onBatch: (p) => emit({ type: 'batch', job: job.id, progress: p }),
    shouldStop: () => !!ctx.signal?.aborted,
    // not after the last epoch: the fold's outcome is kept instead
    ...checkpointHooks(job.id, emit, checkpoint, (epoch) => epoch < loaded.spec.training.epochs),
  };
  // the fit time of the epochs done in earlier sittings
  const before = from ? from.state.history.reduce((a, h) => a + h.seconds, 0) + (from.state.batch > 0 ? from.state.partialSeconds : 0) : 0;
  const opts = { ...trainOptionsFor(loaded.spec, ctx.registries, hooks, ctx.backend.engine(engine.name)), resume: from?.state ?? null };
  try {
    const t0 = performance.now();
    const trained = await trainModel(model, train, null, opts);
    const t1 = performance.now();
    // a fold stopped part-way has no score
    const score = trained.stopReason === 'interrupted' ? NaN : (await evaluateExamples(model, test, { ...opts, batchSize: Math.max(256, loaded.spec.training.batchSize) })).values[f.scoreBy === 'loss' ? 'loss' : 'accuracy']!;
    return {
      job: job.id,
      status: statusOf(trained.stopReason),
      engine,
      location: null,
      classNames: [...data.classNames],
      summary: null,
      fold: { score, fitSeconds: before + (t1 - t0) / 1000, scoreSeconds: (performance.now() - t1) / 1000 },
      counts,
      files,
    };
  } finally {
    opts.optimizer.dispose();
    model.dispose();
    for (const t of [train.x, train.y, test.x, test.y]) t.dispose();
  }
}

/** A `train` job: one run of a spec, recorded in the store as it goes (epochs, checkpoints, results, model). */
async function runTrain(job: RunJob, loaded: LoadedSpec, ctx: RunnerContext, emit: (e: RunEvent) => void): Promise<RunOutcome> {
  let record: RunRecord | null = null;
  let fellBackFrom: { name: string; reason: string } | null = null;
  const checkpoints = ctx.checkpoints ?? !!(ctx.store || ctx.resume);
  const plugins = [...(ctx.plugins ?? [])];
  const resume = ctx.resume ?? null;
  const engine = resume?.engine ?? job.engine ?? undefined;
  const announce = checkpointHooks(job.id, emit, async (state) => {
    if (!record || !checkpoints) return false;
    await record.checkpoint(await state());
    return true;
  });
  try {
    const result = await runExperiment(
      loaded,
      ctx.backend,
      ctx.registries,
      { engine, limit: job.limit ?? undefined, testLimit: job.testLimit ?? undefined, resume: resume?.state ?? null },
      {
        onEngine: (_e, from) => (fellBackFrom = from ?? null),
        onStart: async (info) => {
          if (resume?.files) {
            const changed = changedFiles(resume.files, info.files);
            if (changed) throw new RunError('resume-data-changed', `the dataset file(s) ${changed} differ from the ones the run was trained on (SHA-256)`, 'resume with the same data, or start a new run');
          }
          const start: RunStart = { engine: info.engine, counts: info.counts, files: info.files, modelspecVersion: MODELSPEC_VERSION, plugins };
          record = resume ? await resume.record(start) : ctx.store ? await ctx.store.begin(job, start) : null;
          emit({ type: 'started', job: job.id, location: record?.location ?? null, engine: info.engine, fellBackFrom, counts: info.counts, resumedFrom: resume?.state ? resume.state.epoch : null });
        },
        onBatch: (p) => emit({ type: 'batch', job: job.id, progress: p }),
        onEpoch: async (r, state) => {
          await record?.epoch(r);
          await announce.onEpoch(r, state);
        },
        onInterrupt: announce.onInterrupt,
        shouldStop: () => !!ctx.signal?.aborted,
      },
    );
    const rec = record as RunRecord | null;
    try {
      await rec?.finish(result, result.spec.outputs.saveModel ? modelMetadata(result, plugins) : null);
      const location = rec?.location ?? null;
      return {
        job: job.id,
        status: statusOf(result.stopReason),
        engine: result.engine,
        location,
        classNames: result.classNames,
        summary: summarizeRun(result, location),
        fold: null,
        counts: result.data.counts,
        files: hashes(result.data.files),
      };
    } finally {
      result.model.dispose();
    }
  } catch (e) {
    if (record) await (record as RunRecord).fail(e);
    throw e;
  }
}

/**
 * Runs one job here and now, saying what happens as serializable events, and
 * resolves with its outcome (a stop asked for through `signal` ends it at the
 * next batch, keeping the last complete epoch: status `interrupted`).
 */
export async function runJob(job: RunJob, ctx: RunnerContext): Promise<RunOutcome> {
  const emit = (e: RunEvent) => ctx.onEvent?.(e);
  try {
    const loaded = checkedSpec(job, ctx);
    const outcome = job.kind === 'fold' ? await runFold(job, loaded, ctx, emit) : await runTrain(job, loaded, ctx, emit);
    emit({ type: 'finished', job: job.id, outcome });
    return outcome;
  } catch (e) {
    emit({ type: 'failed', job: job.id, error: errorData(e) });
    throw e;
  }
}

/**
 * Runs jobs: in this process, in worker processes, on a queue. `concurrency`
 * says how many jobs it takes at once (1 when absent: an in-process executor
 * shares one tfjs engine).
 */
export type Executor = ((job: RunJob, onEvent?: (e: RunEvent) => void) => Promise<RunOutcome>) & { readonly concurrency?: number };

/**
 * What an executor does with a job's store once the job has ended: keeps a
 * finished outcome (when it reuses them), then drops a finished fold's
 * checkpoint, in that order: a process killed between the two still has the
 * checkpoint, and goes on from its last epoch instead of training the fold
 * again. An interrupted job keeps its checkpoint for the next sitting.
 */
export async function settleJob(store: RunStore | null | undefined, job: RunJob, outcome: RunOutcome, o: { keepOutcome: boolean }): Promise<void> {
  const finished = outcome.status === 'completed' || outcome.status === 'diverged';
  if (!store || !finished) return;
  if (o.keepOutcome) await store.saveOutcome?.(outcome);
  if (job.kind === 'fold') await store.saveFoldCheckpoint?.(job.id, null);
}

/** The in-process executor: jobs one after another, sharing decoded datasets (every one run anew; a fold's checkpoint is dropped once it ends). */
export function localExecutor(ctx: Omit<RunnerContext, 'onEvent' | 'resume' | 'dataCache'>): Executor {
  const dataCache = new Map<string, ReturnType<typeof loadSpecData>>();
  return async (job, onEvent) => {
    const outcome = await runJob(job, { ...ctx, dataCache, ...(onEvent ? { onEvent } : {}) });
    await settleJob(ctx.store, job, outcome, { keepOutcome: false });
    return outcome;
  };
}

/** The same job as an async stream of its events (for a Web Worker's message loop, or any consumer that iterates). */
export async function* runEvents(job: RunJob, ctx: Omit<RunnerContext, 'onEvent'>): AsyncGenerator<RunEvent> {
  const queue: RunEvent[] = [];
  let wake: (() => void) | null = null;
  let done = false;
  const run = runJob(job, {
    ...ctx,
    onEvent: (e) => {
      queue.push(e);
      wake?.();
    },
  })
    .catch(() => {}) // the failure is an event
    .finally(() => {
      done = true;
      wake?.();
    });
  while (!done || queue.length) {
    if (!queue.length) await new Promise<void>((r) => (wake = r));
    wake = null;
    while (queue.length) yield queue.shift()!;
  }
  await run;
}
