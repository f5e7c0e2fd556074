import { buildReproduction } from '../report/compare.js';
import type { Reproduction, ReproductionSearch, RunSummary } from '../report/types.js';
import type { Candidate } from '../search/sample.js';
import type { CandidateResult, SearchResult } from '../search/cross-validate.js';
import type { ResolvedModelSpec } from '../spec/schema.js';
import type { PluginRecord } from '../plugin/host.js';
import type { RunEvent } from './events.js';
import { makeJob, type RunJob } from './job.js';
import type { RunOutcome } from './outcome.js';
import type { Executor } from './runner.js';
import { runAll } from './schedule.js';
import { search } from './search.js';

export interface ReproduceInput {
  spec: ResolvedModelSpec;
  /** As reports show it. */
  specFile: string;
  seeds: readonly number[];
  /**
   * At most this many seeds in all: while a published figure is inconclusive
   * (its seeds spread too widely for the tolerance to decide), more seeds run,
   * the next integers after the highest. Defaults to the number of seeds (none added).
   */
  maxSeeds?: number;
  /**
   * Reproduce through the spec's search: every candidate (values and the spec
   * they make, resolved by the caller) is cross-validated once, and the winner
   * is what the seeds train. Absent: the spec as written.
   */
  search?: {
    candidates: readonly { params: Candidate; spec: ResolvedModelSpec }[];
    folds: number;
    scoreBy: 'accuracy' | 'loss';
    /** The seed the candidates were sampled with, for the report. */
    seed: number;
    /** Kept beside each fold's records, as `modelspec search` keeps them. */
    settings?: unknown;
  };
  overrides?: Record<string, unknown>;
  limit?: number | null;
  testLimit?: number | null;
  engine?: string | null;
  plugins?: PluginRecord[];
  /** How the runs depart from the published settings (`--limit 1000`): a reduced run. */
  conditions?: string[];
  /** The static checks' warnings, in words, for the report. */
  checks?: string[];
  /** How reports name a run's location (a run folder relative to the working directory, say). */
  showLocation?: (location: string) => string;
}

/** One `train` job per seed: the same spec with its seed replaced. */
export function reproductionJobs(input: ReproduceInput): RunJob[] {
  return input.seeds.map((seed) =>
    makeJob({
      spec: { ...input.spec, seed },
      specFile: input.specFile,
      overrides: { ...(input.overrides ?? {}), seed },
      limit: input.limit ?? null,
      testLimit: input.testLimit ?? null,
      engine: input.engine ?? null,
      plugins: input.plugins ?? [],
    }),
  );
}

export interface ReproduceHooks {
  /** Every event of every seed's job, with the seed's place in the reproduction (`of` grows when seeds are added). */
  onEvent?(e: RunEvent, trial: { index: number; of: number; seed: number }): void;
  /** Every event of the search's fold jobs, when reproducing through the search. */
  onSearchEvent?(e: RunEvent, trial: { candidate: number; candidates: number; fold: number | null; folds: number }): void;
  onFold?(info: { candidate: number; candidates: number; fold: number; folds: number; score: number }): void;
  /** The search is ranked; the seeds are about to train its winner. */
  onSearched?(best: CandidateResult, result: SearchResult, table: string[]): void;
  /** Seeds are added because figures are inconclusive. */
  onMoreSeeds?(seeds: number[], inconclusive: string[]): void;
  shouldStop?(): boolean;
}

export interface ReproduceResult {
  /** Null when no seed completed (all interrupted). */
  reproduction: Reproduction | null;
  outcomes: RunOutcome[];
  interrupted: boolean;
}

/** The next `count` seeds after the highest used. */
const nextSeeds = (used: readonly number[], count: number) => Array.from({ length: count }, (_, i) => Math.max(...used) + 1 + i);

/**
 * A reproduction: the spec under each seed (jobs run by `exec`: in this
 * process, in workers, on a queue), then the mean ± std of every published
 * figure against what was published, with what the seeds say about it.
 *
 * Through the spec's search, the search runs once (sklearn's RandomizedSearchCV
 * is one procedure, seeded by its own search.seed, and its winner is what was
 * published), and the seeds are refits of the winner: the spread they measure is
 * the winner's, which is what the published figure is one draw of.
 *
 * While a published figure is inconclusive and fewer than `maxSeeds` ran, more
 * seeds run, as many as the current spread says would decide it (at least one).
 */
export async function reproduce(input: ReproduceInput, exec: Executor, hooks: ReproduceHooks = {}): Promise<ReproduceResult> {
  const t0 = performance.now();
  let spec = input.spec;
  let overrides = input.overrides ?? {};
  let searched: ReproductionSearch | undefined;
  if (input.search) {
    const s = input.search;
    const out = await search(
      { candidates: s.candidates, folds: s.folds, scoreBy: s.scoreBy, refit: false, specFile: input.specFile, overrides, limit: input.limit ?? null, testLimit: input.testLimit ?? null, engine: input.engine ?? null, plugins: input.plugins ?? [], settings: s.settings },
      exec,
      {
        ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
        ...(hooks.onSearchEvent ? { onEvent: hooks.onSearchEvent } : {}),
        ...(hooks.onFold ? { onFold: hooks.onFold } : {}),
      },
    );
    if (!out || hooks.shouldStop?.()) return { reproduction: null, outcomes: [], interrupted: true };
    const best = s.candidates[out.result.best.index]!;
    hooks.onSearched?.(out.result.best, out.result, out.table);
    spec = best.spec;
    overrides = { ...overrides, ...best.params };
    searched = {
      candidates: s.candidates.length,
      folds: s.folds,
      scoreBy: s.scoreBy,
      seed: s.seed,
      best: best.params,
      bestMean: out.result.best.mean,
      bestStd: out.result.best.std,
      results: out.result.candidates.map((c) => ({ rank: c.rank, mean: c.mean, std: c.std, fitSeconds: c.meanFitSeconds, params: c.params, foldScores: c.foldScores })),
    };
  }

  const requested = [...input.seeds];
  const cap = Math.max(input.maxSeeds ?? requested.length, requested.length);
  const jobsFor = (seeds: readonly number[]) => reproductionJobs({ ...input, spec, overrides, seeds });
  const jobs: RunJob[] = [];
  const outcomes: RunOutcome[] = [];
  let interrupted = false;
  let reproduction: Reproduction | null = null;
  let batch = requested;
  for (;;) {
    const offset = jobs.length;
    const fresh = jobsFor(batch);
    jobs.push(...fresh);
    const trial = (index: number) => ({ index: offset + index, of: jobs.length, seed: fresh[index]!.spec.seed });
    const done = await runAll(fresh, exec, {
      ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
      ...(hooks.onEvent ? { onEvent: (e: RunEvent, i: number) => hooks.onEvent!(e, trial(i)) } : {}),
    });
    const got = done.filter((o): o is RunOutcome => o !== null);
    outcomes.push(...got);
    if (got.length < fresh.length || got.some((o) => o.status === 'interrupted')) interrupted = true;
    const runs: RunSummary[] = outcomes
      .filter((o) => o.status !== 'interrupted')
      .map((o) => {
        const summary = o.summary!;
        return input.showLocation && summary.location ? { ...summary, location: input.showLocation(summary.location) } : summary;
      });
    const classNames = outcomes[0]?.classNames ?? [];
    reproduction = runs.length
      ? buildReproduction(spec, input.specFile, classNames, runs, (performance.now() - t0) / 1000, input.conditions ?? [], new Date(), input.checks ?? [])
      : null;
    if (!reproduction || interrupted || hooks.shouldStop?.()) break;
    const open = reproduction.figures.filter((f) => f.published !== null && f.statistics?.decision === 'inconclusive');
    const ran = jobs.map((j) => j.spec.seed);
    if (!open.length || ran.length >= cap) break;
    const want = Math.max(...open.map((f) => f.statistics!.seedsToDecide ?? cap));
    batch = nextSeeds(ran, Math.min(cap - ran.length, Math.max(1, want - ran.length)));
    hooks.onMoreSeeds?.(batch, open.map((f) => f.metric));
  }
  if (reproduction) {
    reproduction.seedPlan = { requested, maxSeeds: cap, added: jobs.map((j) => j.spec.seed).filter((seed) => !requested.includes(seed)) };
    if (searched) reproduction.search = searched;
  }
  return { reproduction, outcomes, interrupted };
}
