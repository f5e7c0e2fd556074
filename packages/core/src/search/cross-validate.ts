import * as tf from '@tensorflow/tfjs-core';
import type { Backend, EngineStatus } from '../backend/backend.js';
import type { LoadedSpec } from '../spec/load.js';
import type { Registries } from '../spec/registries.js';
import { compileModel } from '../compile/compile.js';
import { evaluateExamples, trainModel, type Examples } from '../training/loop.js';
import { prepareData, disposeData } from '../training/prepare.js';
import { chooseEngine, inputShapeOf, loadSpecData, trainOptionsFor, type ExperimentHooks } from '../training/experiment.js';
import { stratifiedKFold } from './folds.js';
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

const gather = (e: Examples, idx: Int32Array): Examples =>
  tf.tidy(() => {
    const i = tf.tensor1d(idx, 'int32');
    return { x: tf.gather(e.x, i), y: tf.gather(e.y, i) };
  });

/** Population standard deviation, as sklearn's std_test_score. */
const std = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / v.length);
};

/**
 * sklearn's RandomizedSearchCV fit loop: every candidate trained on k-1
 * stratified folds of the training set and scored on the held-out one. Each
 * candidate is a spec already resolved and checked with its values applied.
 * The data is loaded once; the spec's own validation split is not used (the
 * folds are the validation).
 */
export async function crossValidate(
  candidates: { params: Candidate; loaded: LoadedSpec }[],
  backend: Backend,
  reg: Registries,
  o: { folds: number; scoreBy: 'accuracy' | 'loss'; limit?: number; engine?: string },
  hooks: SearchHooks = {},
): Promise<SearchResult> {
  const first = candidates[0]!.loaded;
  const data = await loadSpecData(first.spec, backend, reg);
  const engine = await chooseEngine(first, backend, reg, data.classNames.length, o.engine, hooks.onEngine);
  const n = Math.min(o.limit ?? Infinity, data.dataset.train.count);
  const folds = stratifiedKFold(data.dataset.train.labels.subarray(0, n), o.folds);
  const results: Omit<CandidateResult, 'rank'>[] = [];

  for (const [ci, c] of candidates.entries()) {
    const spec = { ...c.loaded.spec, data: { ...c.loaded.spec.data, validation: { type: 'none' as const } } };
    const all = prepareData({ train: data.dataset.train, test: null }, spec, inputShapeOf(c.loaded), data.classNames.length, { limit: n });
    const scores: number[] = [];
    let fit = 0;
    let score = 0;
    try {
      for (const [fi, f] of folds.entries()) {
        if (hooks.shouldStop?.()) throw new Error('interrupted');
        const train = gather(all.train, f.train);
        const test = gather(all.train, f.test);
        const model = compileModel(c.loaded.spec, c.loaded.check.graph, reg);
        const opts = trainOptionsFor(c.loaded.spec, reg, { onBatch: hooks.onBatch, shouldStop: hooks.shouldStop });
        try {
          const t0 = performance.now();
          await trainModel(model, train, null, opts);
          const t1 = performance.now();
          const ev = evaluateExamples(model, test, { ...opts, batchSize: Math.max(256, c.loaded.spec.training.batchSize) });
          score += (performance.now() - t1) / 1000;
          fit += (t1 - t0) / 1000;
          const s = ev.values[o.scoreBy === 'loss' ? 'loss' : 'accuracy']!;
          scores.push(s);
          hooks.onFold?.({ candidate: ci + 1, candidates: candidates.length, fold: fi + 1, folds: folds.length, score: s });
        } finally {
          opts.optimizer.dispose();
          model.dispose();
          for (const t of [train.x, train.y, test.x, test.y]) t.dispose();
        }
      }
    } finally {
      disposeData(all);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    results.push({ index: ci, params: c.params, foldScores: scores, mean, std: std(scores), meanFitSeconds: fit / folds.length, meanScoreSeconds: score / folds.length });
  }

  const better = (a: number, b: number) => (o.scoreBy === 'loss' ? a < b : a > b);
  const ranked: CandidateResult[] = results.map((r) => ({ ...r, rank: 1 + results.filter((x) => better(x.mean, r.mean)).length }));
  const best = ranked.reduce((a, b) => (b.rank < a.rank ? b : a));
  return { scoreBy: o.scoreBy, folds: folds.length, engine, examples: n, candidates: ranked, best };
}
