import { assertCountMatrix, type ConfusionMatrix } from './confusion.js';
import { alignRight, formatFixed } from './pyformat.js';

export interface ClassMetrics {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of true samples of this class. */
  support: number;
}

export interface AverageMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Total number of samples, as sklearn reports for the average rows. */
  support: number;
}

export interface ClassificationReport {
  classes: ClassMetrics[];
  accuracy: number;
  macro: AverageMetrics;
  weighted: AverageMetrics;
  totalSupport: number;
  /** One entry per ill-defined (class, metric) pair, in the spirit of sklearn's UndefinedMetricWarning. */
  warnings: string[];
}

/**
 * sklearn's `classification_report(y_true, y_pred, labels=range(n), output_dict=True)`
 * with the default `zero_division="warn"`: an undefined ratio is reported as 0
 * and recorded in `warnings`. Every class in `cm` is reported, including ones
 * absent from both y_true and y_pred (sklearn drops those unless `labels` is given).
 *
 * Averages use left-to-right sums; numpy sums pairwise, so an average can
 * differ from sklearn's in the last bit (never seen to change printed digits).
 */
export function classificationReport(cm: ConfusionMatrix, classNames: readonly string[]): ClassificationReport {
  assertCountMatrix(cm, classNames, 'classificationReport');
  const trueSum = cm.map((row) => sum(row));
  const predSum = cm.map((_, j) => sum(cm.map((row) => row[j]!)));
  const tp = cm.map((row, i) => row[i]!);
  const total = sum(trueSum);
  if (total === 0) throw new Error('classificationReport: confusion matrix holds no samples');

  const undefinedPrecision: string[] = [];
  const undefinedRecall: string[] = [];
  const undefinedF1: string[] = [];
  const classes = classNames.map((name, i): ClassMetrics => {
    const t = trueSum[i]!;
    const p = predSum[i]!;
    const c = tp[i]!;
    if (p === 0) undefinedPrecision.push(name);
    if (t === 0) undefinedRecall.push(name);
    if (t + p === 0) undefinedF1.push(name);
    return {
      name,
      precision: p === 0 ? 0 : c / p,
      recall: t === 0 ? 0 : c / t,
      // sklearn's count form of 2PR/(P+R); it is 0 whenever P+R is 0 but t+p is not.
      f1: t + p === 0 ? 0 : (2 * c) / (t + p),
      support: t,
    };
  });

  const average = (weight: (c: ClassMetrics) => number): AverageMetrics => {
    const w = sum(classes.map(weight));
    const avg = (pick: (c: ClassMetrics) => number) => sum(classes.map((c) => pick(c) * weight(c))) / w;
    return { precision: avg((c) => c.precision), recall: avg((c) => c.recall), f1: avg((c) => c.f1), support: total };
  };

  // sklearn warns per metric over all affected labels; here each class is named.
  const warnings = [
    ...undefinedPrecision.map((c) => illDefined('Precision', c, 'predicted')),
    ...undefinedRecall.map((c) => illDefined('Recall', c, 'true')),
    ...undefinedF1.map((c) => illDefined('F-score', c, 'true nor predicted')),
  ];

  return {
    classes,
    accuracy: sum(tp) / total,
    macro: average(() => 1),
    weighted: average((c) => c.support),
    totalSupport: total,
    warnings,
  };
}

function illDefined(metric: string, className: string, missing: string): string {
  return `${metric} is ill-defined and being set to 0.0 for class "${className}": no ${missing} samples.`;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

const HEADERS = ['precision', 'recall', 'f1-score', 'support'] as const;

/** The text sklearn's `classification_report(..., digits=digits)` returns, byte for byte (ends with a newline). */
export function formatClassificationReport(report: ClassificationReport, digits = 2): string {
  if (!Number.isInteger(digits) || digits < 0) {
    throw new Error(`formatClassificationReport: digits must be a non-negative integer, got ${digits}`);
  }
  const width = Math.max(...report.classes.map((c) => Array.from(c.name).length), 'weighted avg'.length, digits);
  const cell = (s: string) => ` ${alignRight(s, 9)}`;
  const num = (x: number) => cell(formatFixed(x, digits));
  const row = (label: string, p: string, r: string, f: string, s: number) =>
    `${alignRight(label, width)} ${p}${r}${f}${cell(String(s))}\n`;

  let out = `${alignRight('', width)} ${HEADERS.map(cell).join('')}\n\n`;
  for (const c of report.classes) out += row(c.name, num(c.precision), num(c.recall), num(c.f1), c.support);
  out += '\n';
  out += row('accuracy', cell(''), cell(''), num(report.accuracy), report.totalSupport);
  for (const [label, m] of [['macro avg', report.macro], ['weighted avg', report.weighted]] as const) {
    out += row(label, num(m.precision), num(m.recall), num(m.f1), m.support);
  }
  return out;
}
