import type { ResolvedModelSpec } from '../spec/schema.js';
import type { EpochRecord } from '../training/loop.js';
import type { MetricKey } from '../spec/sections.js';
import type { ClassificationReport } from '../eval/report.js';
import type { Prediction } from '../training/experiment.js';
import type { FigureStatistics } from './stats.js';

/** One test prediction kept for the report grid (with its image's pixels). */
export type PredictionRecord = Prediction;

/** What one seed's run measured (read back from its run folder or taken from memory). */
export interface RunSummary {
  /** Where the run's records are (a run folder), if anywhere. */
  location: string | null;
  seed: number;
  engine: string;
  stopReason: string;
  history: EpochRecord[];
  /** The measured value of every figure key this run can give. */
  measured: Partial<Record<MetricKey, number>>;
  test: { confusion: number[][]; report: ClassificationReport; predictions: PredictionRecord[] } | null;
  trainSeconds: number;
  weightsSha256: string;
}

/** `inconclusive` is only ever a reproduction's overall decision (`overallDecision`): a figure's verdict stays the tolerance's, its statistics say whether the seeds back it. */
export type Verdict = 'reproduced' | 'not-reproduced' | 'not-measured' | 'nothing-published' | 'inconclusive';

export interface FigureComparison {
  metric: MetricKey;
  published: number | null;
  source: string | null;
  note: string;
  tolerance: number | null;
  /** Mean and sample standard deviation over seeds (std 0 for one seed). */
  measured: { mean: number; std: number; values: number[] } | null;
  /** measured mean - published. */
  difference: number | null;
  /** |mean - published| against the tolerance, as before any statistics. */
  verdict: Verdict;
  /** What the seeds say (prediction interval, interval of the mean against the tolerance); null with one seed or nothing published. Absent in reports written before it existed. */
  statistics?: FigureStatistics | null;
}

/** The versions and inputs that produced a report, so a reader can tell two reports' conditions apart. */
export interface ReportEnvironment {
  modelspec: string;
  tfjs: string | null;
  node: string | null;
  /** Each engine the seeds ran on, with its own account of itself (its BLAS, SIMD, threads). */
  engines: { name: string; detail: string | null }[];
  cpu: string | null;
  os: string | null;
  /** Dataset file name → SHA-256, as the runs recorded them. */
  datasets: Record<string, string>;
  /** The plugins (built-ins included) the runs were made with, as `name@version`. Absent in reports from before plugins. */
  plugins?: string[];
  /** The git commit of the working tree modelspec ran in, "unknown" outside a repository; "+ changes" when it had uncommitted ones. */
  gitCommit: string;
}

/** How many seeds ran, and why more than were asked for. */
export interface SeedPlan {
  /** The seeds asked for (the spec's reproduce.seeds or --seeds). */
  requested: number[];
  /** At most this many seeds in all (reproduce.maxSeeds or --max-seeds). */
  maxSeeds: number;
  /** Seeds run on top of the requested ones because a figure was inconclusive. */
  added: number[];
}

/** A reproduction through the spec's search: sklearn's search once, then the winner refit under each seed. */
export interface ReproductionSearch {
  candidates: number;
  folds: number;
  scoreBy: 'accuracy' | 'loss';
  /** The seed the candidates were sampled with (search.seed). */
  seed: number;
  /** The winner's values of the searched fields. */
  best: Record<string, unknown>;
  bestMean: number;
  bestStd: number;
  /** sklearn's cv_results_ as rows: rank, mean and std of the fold scores, fit seconds, the candidate's values, fold scores. */
  results: { rank: number; mean: number; std: number; fitSeconds: number; params: Record<string, unknown>; foldScores: number[] }[];
}

/** A spec run under one or more seeds, compared with what was published. */
export interface Reproduction {
  spec: ResolvedModelSpec;
  specFile: string;
  classNames: string[];
  runs: RunSummary[];
  figures: FigureComparison[];
  /** reproduced when every published figure is; not-reproduced when any is not; nothing-published otherwise. */
  verdict: Verdict;
  engine: string;
  date: string;
  /** From the first trial to the verdict; for a reproduction interrupted and run again, the sum of its sittings. */
  wallSeconds: number;
  /** How many sittings the reproduction took (an interrupted one resumes where it stopped); absent: one. */
  sittings?: number;
  /**
   * How the runs departed from the spec as published (`--limit 1000`, `--epochs 2`,
   * `--set ...`). Non-empty means a reduced run: its verdicts say little about the paper.
   */
  conditions: string[];
  /** What modelspec's static checks warned about in the spec (e.g. a loss that does not fit the output), in words. */
  checks?: string[];
  /** Present when seeds were added to settle inconclusive figures, or a cap was set. */
  seedPlan?: SeedPlan;
  /** Present when the spec's search picked the model the seeds ran. */
  search?: ReproductionSearch;
  environment?: ReportEnvironment;
}
