import type { ResolvedModelSpec } from '../spec/schema.js';
import type { EpochRecord } from '../training/loop.js';
import type { MetricKey } from '../spec/sections.js';
import type { ClassificationReport } from '../eval/report.js';
import type { Prediction } from '../training/experiment.js';

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

export type Verdict = 'reproduced' | 'not-reproduced' | 'not-measured' | 'nothing-published';

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
  verdict: Verdict;
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
  wallSeconds: number;
  /**
   * How the runs departed from the spec as published (`--limit 1000`, `--epochs 2`,
   * `--set ...`). Non-empty means a reduced run: its verdicts say little about the paper.
   */
  conditions: string[];
  /** What modelspec's static checks warned about in the spec (e.g. a loss that does not fit the output), in words. */
  checks?: string[];
}
