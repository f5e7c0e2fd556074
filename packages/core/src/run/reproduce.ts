import { buildReproduction } from '../report/compare.js';
import type { Reproduction, RunSummary } from '../report/types.js';
import type { ResolvedModelSpec } from '../spec/schema.js';
import type { PluginRecord } from '../plugin/host.js';
import type { RunEvent } from './events.js';
import { makeJob, type RunJob } from './job.js';
import type { RunOutcome } from './outcome.js';
import type { Executor } from './runner.js';
import { runAll } from './schedule.js';

export interface ReproduceInput {
  spec: ResolvedModelSpec;
  /** As reports show it. */
  specFile: string;
  seeds: readonly number[];
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
  /** Every event of every seed's job, with the seed's place in the reproduction. */
  onEvent?(e: RunEvent, trial: { index: number; of: number; seed: number }): void;
  shouldStop?(): boolean;
}

export interface ReproduceResult {
  /** Null when no seed completed (all interrupted). */
  reproduction: Reproduction | null;
  outcomes: RunOutcome[];
  interrupted: boolean;
}

/**
 * A reproduction: the spec under each seed (jobs run by `exec`: in this
 * process, in workers, on a queue), then the mean ± std of every published
 * figure against what was published.
 */
export async function reproduce(input: ReproduceInput, exec: Executor, hooks: ReproduceHooks = {}): Promise<ReproduceResult> {
  const jobs = reproductionJobs(input);
  const t0 = performance.now();
  const trial = (index: number) => ({ index, of: jobs.length, seed: jobs[index]!.spec.seed });
  const done = await runAll(jobs, exec, {
    ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
    ...(hooks.onEvent ? { onEvent: (e: RunEvent, i: number) => hooks.onEvent!(e, trial(i)) } : {}),
  });
  const outcomes = done.filter((o): o is RunOutcome => o !== null);
  const interrupted = outcomes.length < jobs.length || outcomes.some((o) => o.status === 'interrupted');
  const runs: RunSummary[] = outcomes
    .filter((o) => o.status !== 'interrupted')
    .map((o) => {
      const summary = o.summary!;
      return input.showLocation && summary.location ? { ...summary, location: input.showLocation(summary.location) } : summary;
    });
  const classNames = outcomes[0]?.classNames ?? [];
  const reproduction = runs.length
    ? buildReproduction(input.spec, input.specFile, classNames, runs, (performance.now() - t0) / 1000, input.conditions ?? [], new Date(), input.checks ?? [])
    : null;
  return { reproduction, outcomes, interrupted };
}
