import type { ResolvedModelSpec } from '../spec/schema.js';
import type { PluginRecord } from '../plugin/host.js';

/** Keys sorted at every level, so equal values give equal text (and equal ids). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A 64-bit FNV-1a digest of a string, as 16 hex digits: a stable id, not a security hash. */
export function digest(text: string): string {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x01000193 | 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c ^ (h1 >>> 15), 0x5bd1e995);
  }
  return ((h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0'));
}

/** One fold of a k-fold cross-validation: train on the other folds, score on this one. */
export interface FoldTask {
  folds: number;
  /** 0-based. */
  index: number;
  scoreBy: 'accuracy' | 'loss';
}

/**
 * One trial, as data: a resolved spec (with its overrides and seed applied),
 * how much data to use, where to run it and what it needs. A job never holds
 * code; the same job runs in-process, in a Web Worker or on a queue worker,
 * and its id is the same wherever it is made.
 */
export interface RunJob {
  /** Deterministic: a digest of everything that decides the result. */
  id: string;
  /** `train` records a run (reproduce seeds, search refits); `fold` scores one cross-validation fold. */
  kind: 'train' | 'fold';
  spec: ResolvedModelSpec;
  /** The spec file it came from, for records (as the user named it). */
  specFile: string | null;
  /** The `--set`-style overrides that made `spec` from the file (for records). */
  overrides: Record<string, unknown>;
  limit: number | null;
  testLimit: number | null;
  /** A named engine, or null for the best available one that can train the model. */
  engine: string | null;
  fold: FoldTask | null;
  /** The plugins (name and version) the job's kinds come from; a runner without them refuses the job. */
  plugins: PluginRecord[];
  /** JSON documents the run keeps beside its records (a search's cv_results_ with its refit). */
  attachments: Record<string, unknown> | null;
}

export type RunJobInput = Omit<RunJob, 'id' | 'kind' | 'specFile' | 'overrides' | 'limit' | 'testLimit' | 'engine' | 'fold' | 'plugins' | 'attachments'> &
  Partial<Omit<RunJob, 'id' | 'spec'>>;

/** A job with every field explicit and its id computed. */
export function makeJob(input: RunJobInput): RunJob {
  const job: Omit<RunJob, 'id'> = {
    kind: input.kind ?? (input.fold ? 'fold' : 'train'),
    spec: input.spec,
    specFile: input.specFile ?? null,
    overrides: input.overrides ?? {},
    limit: input.limit ?? null,
    testLimit: input.testLimit ?? null,
    engine: input.engine ?? null,
    fold: input.fold ?? null,
    plugins: input.plugins ?? [],
    attachments: input.attachments ?? null,
  };
  // what decides the result: not where the spec came from, how the user spelled its overrides, or what is kept beside it
  const { specFile: _f, overrides: _o, attachments: _a, ...decisive } = job;
  const trial = job.fold ? `f${job.fold.index + 1}of${job.fold.folds}` : `s${job.spec.seed}`;
  return { id: `${job.spec.name}-${trial}-${digest(canonicalJson(decisive))}`, ...job };
}
