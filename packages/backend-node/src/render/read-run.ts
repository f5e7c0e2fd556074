import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  buildReproduction,
  classificationReport,
  measuredFigures,
  ModelspecError,
  type EpochRecord,
  type PredictionRecord,
  type Reproduction,
  type ResolvedModelSpec,
  type RunStatus,
  type RunSummary,
  type TestEvaluation,
} from '@modelspec/core';
import { liveStatus, type RunHead } from '../run-store.js';

/** The parts of a run folder's files the report reads (see RunRecorder for what writes them). */
interface RunFile {
  status: RunStatus;
  pid?: number;
  host?: string;
  epochsCompleted?: number;
  seed: number;
  engine: string;
  started?: string;
  updated?: string;
  finished?: string;
  stopReason?: string;
  weightsSha256?: string;
}
interface MetricsFile {
  stopReason?: string;
  weightsSha256?: string;
  test: (Record<string, unknown> & { report?: unknown }) | null;
  seconds?: { train?: number };
}
interface EnvironmentFile {
  specFile?: string;
  overrides?: Record<string, unknown>;
}

async function readJson<T>(dir: string, name: string, required: true): Promise<T>;
async function readJson<T>(dir: string, name: string, required: false): Promise<T | null>;
async function readJson<T>(dir: string, name: string, required: boolean): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(join(dir, name), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !required) return null;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelspecError('not-a-run-folder', `${dir}: no ${name}; is this a run folder?`, 'Pass a folder that `modelspec train` or `modelspec reproduce` created under runs/.');
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new ModelspecError('bad-run-file', `${join(dir, name)}: not valid JSON (${(e as Error).message})`);
  }
}

/** history.jsonl is appended line by line; a run killed mid-write can leave a torn last line, which is skipped. */
async function readHistory(dir: string): Promise<EpochRecord[]> {
  const text = await readFile(join(dir, 'history.jsonl'), 'utf8').catch(() => '');
  const out: EpochRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as EpochRecord);
    } catch {
      break;
    }
  }
  return out;
}

/** Loss and spec metrics on the test set, as metrics.json flattens them beside the derived figures. */
function testValues(test: MetricsFile['test']): Record<string, number> {
  const derived = new Set(['macroPrecision', 'macroRecall', 'macroF1']);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(test ?? {})) if (typeof v === 'number' && !derived.has(k)) out[k] = v;
  return out;
}

/**
 * A run folder read back as the report needs it. The classification report is
 * recomputed from confusion.json (the matrix is the record; the report is
 * derived), and the measured figures come from the same code a live run uses.
 * Folders of interrupted runs, without test results, are read too.
 */
export async function readRunSummary(runDir: string): Promise<RunSummary> {
  const dir = resolve(runDir);
  const run = await readJson<RunFile>(dir, 'run.json', true);
  const metrics = await readJson<MetricsFile>(dir, 'metrics.json', false);
  const confusion = await readJson<{ classNames: string[]; matrix: number[][] }>(dir, 'confusion.json', false);
  const preds = await readJson<{ predictions: PredictionRecord[] }>(dir, 'predictions.json', false);
  const history = await readHistory(dir);

  let test: TestEvaluation | null = null;
  if (confusion && metrics?.test) {
    const report = classificationReport(confusion.matrix, confusion.classNames);
    test = { values: testValues(metrics.test), confusion: confusion.matrix, report, predictions: preds?.predictions ?? [] };
  }
  return {
    location: dir,
    seed: run.seed,
    engine: run.engine,
    stopReason: run.stopReason ?? metrics?.stopReason ?? run.status,
    history,
    measured: measuredFigures(history, test),
    test: test && { confusion: test.confusion, report: test.report, predictions: test.predictions as PredictionRecord[] },
    trainSeconds: metrics?.seconds?.train ?? history.reduce((a, h) => a + h.seconds, 0),
    weightsSha256: run.weightsSha256 ?? metrics?.weightsSha256 ?? '',
  };
}

export interface ReadReproductionOptions {
  /** How the runs departed from the published setup; by default read from the overrides environment.json records. */
  conditions?: string[];
}

/**
 * A reproduction from existing run folders (one per seed, of one spec): the
 * spec and class names from the first folder, wall time from the earliest
 * start to the latest finish. `--limit`/`--test-limit` are not recorded in a
 * run folder, so pass `conditions` when the runs used them.
 */
export async function readReproduction(runDirs: string[], o: ReadReproductionOptions = {}): Promise<Reproduction> {
  if (!runDirs.length) throw new ModelspecError('no-runs', 'no run folders given', 'name the run folders of one spec (its seeds)');
  const dirs = runDirs.map((d) => resolve(d));
  const runs = await Promise.all(dirs.map(readRunSummary));
  const first = dirs[0]!;
  const spec = await readJson<ResolvedModelSpec>(first, 'spec.resolved.json', true);
  const other = await Promise.all(dirs.map((d) => readJson<ResolvedModelSpec>(d, 'spec.resolved.json', true)));
  const names = other.map((s) => s.name).filter((n) => n !== spec.name);
  if (names.length) {
    throw new ModelspecError('mixed-runs', `the run folders hold runs of different specs (${[spec.name, ...new Set(names)].join(', ')}); a report covers the runs of one spec`, 'render one report per spec, each from its own run folders');
  }
  const env = await readJson<EnvironmentFile>(first, 'environment.json', false);
  let classNames: string[] = [];
  for (const d of dirs) {
    const c = await readJson<{ classNames: string[] }>(d, 'confusion.json', false);
    if (c) {
      classNames = c.classNames;
      break;
    }
  }
  const times = await Promise.all(dirs.map((d) => readJson<RunFile>(d, 'run.json', true)));
  // a report speaks only for runs that ended: a killed or still running one is refused, with what to do
  times.forEach((t, i) => {
    const status = liveStatus(t as RunHead);
    if (status === 'killed') throw new ModelspecError('killed-run', `${runDirs[i]}: this run was killed (its process ${t.pid} on ${t.host} is gone) after ${t.epochsCompleted ?? 0} epoch(s)`, `resume it with modelspec train --resume ${runDirs[i]}, or leave it out of the report`);
    if (status === 'running') throw new ModelspecError('running-run', `${runDirs[i]}: this run is still running`, 'wait for it to finish, or leave it out of the report');
  });
  const starts = times.map((t) => Date.parse(t.started ?? '')).filter(Number.isFinite);
  const ends = times.map((t) => Date.parse(t.finished ?? t.updated ?? '')).filter(Number.isFinite);
  const wall = starts.length && ends.length ? (Math.max(...ends) - Math.min(...starts)) / 1000 : runs.reduce((a, r) => a + r.trainSeconds, 0);
  const conditions =
    o.conditions ??
    Object.entries(env?.overrides ?? {})
      .filter(([k]) => k !== 'seed')
      .map(([k, v]) => (k === 'training.epochs' ? `--epochs ${v}` : `--set ${k}=${JSON.stringify(v)}`));
  const date = ends.length ? new Date(Math.max(...ends)) : new Date();
  return buildReproduction(spec, env?.specFile ?? join(first, 'spec.resolved.json'), classNames, runs, wall, conditions, date);
}
