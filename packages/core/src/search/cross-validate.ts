import type { Backend, EngineStatus } from '../backend/backend.js';
import type { LoadedSpec } from '../spec/load.js';
import type { Registries } from '../spec/registries.js';
import type { ExperimentHooks } from '../training/experiment.js';
import { RunError } from '../errors.js';
import { localExecutor } from '../run/runner.js';
import { search } from '../run/search.js';
import type { Candidate } from './sample.js';

export interface CandidateResult {
  index: number;
  params: Candidate;
  /** The held-out score of each fold (accuracy, or loss when ranking by loss). */
  foldScores: number[];
  mean: number;
  std: number;
  /** 1 is best; ties share the lower rank (sklearn rank_test_score). */
  rank: number;
  meanFitSeconds: number;
  meanScoreSeconds: number;
}

export interface SearchResult {
  scoreBy: 'accuracy' | 'loss';
  folds: number;
  engine: EngineStatus;
  examples: number;
  candidates: CandidateResult[];
  best: CandidateResult;
}

export interface SearchHooks extends Pick<ExperimentHooks, 'onEngine' | 'onBatch' | 'shouldStop'> {
  onFold?(info: { candidate: number; candidates: number; fold: number; folds: number; score: number }): void;
}

/**
 * sklearn's RandomizedSearchCV fit loop, in this process: every candidate
 * trained on k-1 stratified folds of the training set and scored on the
 * held-out one (each fold a run job; see run/search.ts). Each candidate is a
 * spec already resolved and checked with its values applied.
 */
export async function crossValidate(
  candidates: { params: Candidate; loaded: LoadedSpec }[],
  backend: Backend,
  reg: Registries,
  o: { folds: number; scoreBy: 'accuracy' | 'loss'; limit?: number; engine?: string },
  hooks: SearchHooks = {},
): Promise<SearchResult> {
  const signal = { get aborted() { return !!hooks.shouldStop?.(); } };
  let announced = false;
  const out = await search(
    { candidates: candidates.map((c) => ({ params: c.params, spec: c.loaded.spec })), folds: o.folds, scoreBy: o.scoreBy, refit: false, specFile: candidates[0]!.loaded.file, limit: o.limit ?? null, engine: o.engine ?? null },
    localExecutor({ registries: reg, backend, signal }),
    {
      onEvent: (e) => {
        if (e.type === 'started' && !announced) {
          announced = true;
          hooks.onEngine?.(e.engine, e.fellBackFrom ?? undefined);
        }
        if (e.type === 'batch') hooks.onBatch?.(e.progress);
      },
      onFold: hooks.onFold,
      shouldStop: hooks.shouldStop,
    },
  );
  if (!out) throw new RunError('interrupted', 'the search was interrupted');
  return out.result;
}
