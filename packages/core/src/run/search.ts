import type { CandidateResult, SearchResult } from '../search/cross-validate.js';
import type { Candidate } from '../search/sample.js';
import type { ResolvedModelSpec } from '../spec/schema.js';
import type { PluginRecord } from '../plugin/host.js';
import type { RunEvent } from './events.js';
import { makeJob, type RunJob } from './job.js';
import type { RunOutcome } from './outcome.js';
import type { Executor } from './runner.js';
import { runAll } from './schedule.js';

export interface SearchInput {
  /** Each candidate's values and the spec they make (resolved and checked by the caller). */
  candidates: readonly { params: Candidate; spec: ResolvedModelSpec }[];
  folds: number;
  scoreBy: 'accuracy' | 'loss';
  refit: boolean;
  specFile: string;
  overrides?: Record<string, unknown>;
  limit?: number | null;
  testLimit?: number | null;
  engine?: string | null;
  plugins?: PluginRecord[];
  /** What the refit's run keeps beside its records as search.json (with the results). */
  settings?: unknown;
}

/** One `fold` job per candidate and fold, candidate by candidate. */
export function searchJobs(input: SearchInput): RunJob[] {
  return input.candidates.flatMap((c) =>
    Array.from({ length: input.folds }, (_, index) =>
      makeJob({
        spec: c.spec,
        specFile: input.specFile,
        overrides: { ...(input.overrides ?? {}), ...c.params },
        limit: input.limit ?? null,
        engine: input.engine ?? null,
        plugins: input.plugins ?? [],
        fold: { folds: input.folds, index, scoreBy: input.scoreBy },
      }),
    ),
  );
}

/** Population standard deviation, as sklearn's std_test_score. */
const std = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / v.length);
};

const fmt = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)).toString() : String(v));

/** A fold's score as shown: 4 decimals, or "not finite" (a diverged fold's NaN, null once it crossed a queue as JSON). */
export const scoreText = (x: number | null): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(4) : 'not finite');

/** sklearn's cv_results_, as a table: rank, mean ± std of the fold scores, time, and the candidate's values. */
export function cvTable(r: SearchResult): string[] {
  const keys = Object.keys(r.candidates[0]!.params);
  const head = ['rank', `mean ${r.scoreBy}`, 'std', 'fit s', ...keys, 'fold scores'];
  const rows = [...r.candidates]
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((c) => [String(c.rank), scoreText(c.mean), scoreText(c.std), c.meanFitSeconds.toFixed(1), ...keys.map((k) => fmt(c.params[k])), c.foldScores.map(scoreText).join(' ')]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)];
}

/** Ranks candidates from their fold outcomes (sklearn rank_test_score: ties share the lower rank). */
export function rankCandidates(input: SearchInput, outcomes: readonly RunOutcome[]): SearchResult {
  const results: Omit<CandidateResult, 'rank'>[] = input.candidates.map((c, ci) => {
    const own = outcomes.slice(ci * input.folds, (ci + 1) * input.folds).map((o) => o.fold!);
    const scores = own.map((f) => f.score);
    return {
      index: ci,
      params: c.params,
      foldScores: scores,
      mean: scores.reduce((a, b) => a + b, 0) / scores.length,
      std: std(scores),
      meanFitSeconds: own.reduce((a, f) => a + f.fitSeconds, 0) / own.length,
      meanScoreSeconds: own.reduce((a, f) => a + f.scoreSeconds, 0) / own.length,
    };
  });
  const better = (a: number, b: number) => (input.scoreBy === 'loss' ? a < b : a > b);
  const ranked: CandidateResult[] = results.map((r) => ({ ...r, rank: 1 + results.filter((x) => better(x.mean, r.mean)).length }));
  const best = ranked.reduce((a, b) => (b.rank < a.rank ? b : a));
  const first = outcomes[0]!;
  return { scoreBy: input.scoreBy, folds: input.folds, engine: first.engine, examples: first.counts.train + first.counts.validation, candidates: ranked, best };
}

export interface SearchHooks {
  onEvent?(e: RunEvent, trial: { candidate: number; candidates: number; fold: number | null; folds: number }): void;
  /** A fold done (not one stopped part-way), with its score. */
  onFold?(info: { candidate: number; candidates: number; fold: number; folds: number; score: number }): void;
  /** Before the refit starts. */
  onRefit?(best: CandidateResult, result: SearchResult): void;
  shouldStop?(): boolean;
}

export interface SearchOutcome {
  result: SearchResult;
  table: string[];
  refit: RunOutcome | null;
}

/**
 * sklearn's RandomizedSearchCV over jobs: every candidate's folds (each a
 * job, so they can run anywhere), the ranking, then a refit of the best
 * candidate on the whole training set, recorded as a run with the search's
 * results beside it.
 */
export async function search(input: SearchInput, exec: Executor, hooks: SearchHooks = {}): Promise<SearchOutcome | null> {
  const jobs = searchJobs(input);
  const n = input.candidates.length;
  const trial = (i: number) => ({ candidate: Math.floor(i / input.folds) + 1, candidates: n, fold: (i % input.folds) + 1, folds: input.folds });
  const done = await runAll(jobs, exec, {
    ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
    ...(hooks.onEvent ? { onEvent: (e: RunEvent, i: number) => hooks.onEvent!(e, trial(i)) } : {}),
    // a fold stopped part-way has no score (NaN here, null once it crossed a process as JSON)
    onOutcome: (o, i) => {
      if (o.status !== 'interrupted') hooks.onFold?.({ ...trial(i), score: o.fold!.score });
    },
  });
  if (done.some((o) => o === null || o.status === 'interrupted')) return null;
  const outcomes = done as RunOutcome[];
  const result = rankCandidates(input, outcomes);
  const table = cvTable(result);
  if (!input.refit || hooks.shouldStop?.()) return { result, table, refit: null };
  const best = input.candidates[result.best.index]!;
  hooks.onRefit?.(result.best, result);
  const job = makeJob({
    spec: best.spec,
    specFile: input.specFile,
    overrides: { ...(input.overrides ?? {}), ...best.params },
    limit: input.limit ?? null,
    testLimit: input.testLimit ?? null,
    engine: result.engine.name,
    plugins: input.plugins ?? [],
    attachments: { 'search.json': { settings: input.settings ?? null, result, table } },
  });
  const refit = await exec(job, hooks.onEvent ? (e) => hooks.onEvent!(e, { candidate: result.best.index + 1, candidates: n, fold: null, folds: input.folds }) : undefined);
  return { result, table, refit };
}
