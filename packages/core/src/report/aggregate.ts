import { classificationReport, type ClassificationReport } from '../eval/report.js';
import { topConfusions, type Confusion } from '../eval/metrics.js';
import type { Reproduction, RunSummary } from './types.js';

/** The test results of every seed taken together. */
export interface AggregateConfusion {
  /** Element-wise sum of the seeds' test confusion matrices (rows: true class). */
  confusion: number[][];
  /** How many seeds were summed; `confusion / seeds` is the mean matrix. */
  seeds: number;
  /**
   * The classification report of the summed matrix. Precision, recall and F1
   * are ratios of counts, so this is also the report of the mean matrix; only
   * the supports are `seeds` times larger.
   */
  report: ClassificationReport;
  /** The largest off-diagonal cells of the summed matrix. */
  top: Confusion[];
}

/** Sums the seeds' confusion matrices; null when no seed was evaluated on the test set. */
export function aggregateConfusion(repro: Pick<Reproduction, 'runs' | 'classNames'>, k = 5): AggregateConfusion | null {
  const tested = repro.runs.filter((r) => r.test !== null);
  if (!tested.length) return null;
  const n = repro.classNames.length;
  const confusion = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const r of tested) {
    const cm = r.test!.confusion;
    // Seeds evaluated on different test sets (a --test-limit on one only) cannot be summed meaningfully.
    if (cm.length !== n || cm.some((row) => row.length !== n)) {
      throw new Error(`aggregateConfusion: seed ${r.seed} has a ${cm.length}x${cm[0]?.length ?? 0} confusion matrix, expected ${n}x${n} for ${n} classes`);
    }
    cm.forEach((row, i) => row.forEach((v, j) => (confusion[i]![j]! += v)));
  }
  return { confusion, seeds: tested.length, report: classificationReport(confusion, repro.classNames), top: topConfusions(confusion, repro.classNames, k) };
}

export type Split = 'train' | 'validation';

/** One value of one training curve: a seed's (seed set) or the mean over seeds (seed null). */
export interface CurvePoint {
  /** The history key: `loss`, `accuracy`, or another spec metric. */
  metric: string;
  split: Split;
  epoch: number;
  value: number;
  seed: number | null;
  /** How many seeds the value stands for (1 for a seed's own point). */
  n: number;
}

/**
 * Every seed's per-epoch values plus their mean. Seeds can stop at different
 * epochs (early stopping); the mean at an epoch is over the seeds that reached
 * it, and `n` says how many that was, so a late mean resting on one seed shows.
 */
export function curvePoints(runs: readonly RunSummary[]): { seeds: CurvePoint[]; mean: CurvePoint[] } {
  const seeds: CurvePoint[] = [];
  for (const r of runs) {
    for (const h of r.history) {
      const add = (split: Split, values: Record<string, number> | null) => {
        for (const [metric, value] of Object.entries(values ?? {})) {
          if (Number.isFinite(value)) seeds.push({ metric, split, epoch: h.epoch, value, seed: r.seed, n: 1 });
        }
      };
      add('train', h.train);
      add('validation', h.val);
    }
  }
  const groups = new Map<string, CurvePoint[]>();
  for (const p of seeds) {
    const key = `${p.metric}\u0000${p.split}\u0000${p.epoch}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(p);
  }
  const mean = [...groups.values()].map((g): CurvePoint => {
    const first = g[0]!;
    return { metric: first.metric, split: first.split, epoch: first.epoch, value: g.reduce((a, p) => a + p.value, 0) / g.length, seed: null, n: g.length };
  });
  return { seeds, mean };
}
