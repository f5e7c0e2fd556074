import { aggregateConfusion, type AggregateConfusion } from './aggregate.js';
import { overallDecision, verdictSentence } from './format.js';
import type { Reproduction, RunSummary, Verdict } from './types.js';

/** A kept prediction without its pixels and probabilities (those are for drawing, and dominate the size). */
export interface PredictionJson {
  index: number;
  label: number;
  predicted: number;
  /** The probability given to the predicted class. */
  confidence: number | null;
}

export interface RunJson extends Omit<RunSummary, 'test'> {
  test: { confusion: number[][]; report: NonNullable<RunSummary['test']>['report']; predictions: PredictionJson[] } | null;
}

/** report.json: what a program needs to judge or compare reproductions, versioned so readers can check the shape. */
export interface ReportJson extends Omit<Reproduction, 'runs'> {
  format: 'modelspec-report';
  formatVersion: 1;
  /** The verdict in one sentence, as the Markdown report states it. */
  summary: string;
  /** The verdict once the seeds' statistics are heard (`inconclusive` when they cannot back the tolerance verdict); `verdict` stays the tolerance's. */
  decision: Verdict;
  runs: RunJson[];
  /** The seeds' test confusion matrices summed, with their classification report and largest confusions. */
  aggregate: AggregateConfusion | null;
}

export function reproductionJson(r: Reproduction): ReportJson {
  const { runs, ...rest } = r;
  return {
    format: 'modelspec-report',
    formatVersion: 1,
    summary: verdictSentence(r),
    decision: overallDecision(r),
    ...rest,
    runs: runs.map((run) => ({
      ...run,
      test: run.test && {
        confusion: run.test.confusion,
        report: run.test.report,
        predictions: run.test.predictions.map((p) => ({ index: p.index, label: p.label, predicted: p.predicted, confidence: p.probabilities[p.predicted] ?? null })),
      },
    })),
    aggregate: aggregateConfusion(r),
  };
}
