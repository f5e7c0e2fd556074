import type { MetricKey } from '../spec/sections.js';
import type { FigureComparison, Reproduction, Verdict } from './types.js';

/** Words every report format (Markdown, HTML, charts) uses, so they never disagree. */
export const METRIC_LABELS: Record<MetricKey, string> = {
  testAccuracy: 'Test accuracy',
  testLoss: 'Test loss',
  valAccuracy: 'Validation accuracy (last epoch)',
  valLoss: 'Validation loss (last epoch)',
  trainAccuracy: 'Training accuracy (last epoch)',
  trainLoss: 'Training loss (last epoch)',
  bestValAccuracy: 'Best validation accuracy',
  macroPrecision: 'Macro precision (test)',
  macroRecall: 'Macro recall (test)',
};

/** "NOT" in capitals so a failed reproduction cannot be misread when skimming. */
export const VERDICT_WORDS: Record<Verdict, string> = {
  reproduced: 'reproduced',
  'not-reproduced': 'NOT reproduced',
  'not-measured': 'not measured',
  'nothing-published': 'nothing published',
};

/** Published figures are printed with four decimals (Keras' evaluate output), so measured ones are too. */
export function formatFigure(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/** A difference with its sign always shown; a real minus sign so columns of signed numbers line up. */
export function formatDifference(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const s = Math.abs(x).toFixed(digits);
  return Number(s) === 0 ? `±${s}` : x > 0 ? `+${s}` : `\u2212${s}`;
}

/** "0.8826 ± 0.0021"; a single seed has no spread to show. */
export function formatMeanStd(m: FigureComparison['measured']): string {
  if (!m) return '–';
  return m.values.length > 1 ? `${formatFigure(m.mean)} ± ${formatFigure(m.std)}` : formatFigure(m.mean);
}

/** A count averaged over seeds: whole numbers stay whole ("125", not "125.0"). */
export function formatCount(c: number): string {
  return Number.isInteger(c) ? String(c) : c.toFixed(1);
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 90) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

const isAccuracyLike = (k: MetricKey) => !k.endsWith('Loss');

/**
 * One sentence on why a figure got its verdict: how far off the mean is, how
 * that compares with the tolerance, and where the published value lies
 * relative to the seeds (a value outside every seed's result is a stronger
 * "not reproduced" than a mean that is just over the line).
 */
export function explainFigure(f: FigureComparison): string {
  const label = METRIC_LABELS[f.metric];
  const m = f.measured;
  if (f.published === null) return m ? `${label}: measured ${formatMeanStd(m)}; nothing was published to compare with.` : `${label}: nothing published, nothing measured.`;
  if (!m || f.difference === null) return `${label}: published ${formatFigure(f.published)}, but no run measured it.`;
  const n = m.values.length;
  const over = `${n === 1 ? 'one seed' : `the mean of ${n} seeds`}, ${formatMeanStd(m)},`;
  const dist = Math.abs(f.difference);
  const dir = f.difference > 0 ? 'above' : 'below';
  const points = isAccuracyLike(f.metric) ? ` (${(dist * 100).toFixed(2)} percentage points)` : '';
  // A resolved spec written before a tolerance default existed has none; say so rather than print 0.
  if (f.tolerance == null) return `${label}: ${over} is ${formatFigure(dist)}${points} ${dir} the published ${formatFigure(f.published)}; no tolerance is recorded to judge it by.`;
  const tol = f.tolerance;
  const lo = Math.min(...m.values);
  const hi = Math.max(...m.values);
  const within = m.values.filter((v) => Math.abs(v - f.published!) <= tol + 1e-12).length;
  const spread =
    n > 1
      ? ` The published value lies ${f.published >= lo && f.published <= hi ? 'inside' : 'outside'} the range of the seeds (${formatFigure(lo)} to ${formatFigure(hi)}); ${within} of ${n} seeds ${within === 1 ? 'is' : 'are'} within tolerance on their own.`
      : '';
  if (f.verdict === 'reproduced') {
    return `${label}: ${over} is ${formatFigure(dist)}${points} ${dir} the published ${formatFigure(f.published)}, within the tolerance of ${formatFigure(tol)}.${spread}`;
  }
  return `${label}: ${over} is ${formatFigure(dist)}${points} ${dir} the published ${formatFigure(f.published)}, ${formatFigure(dist - tol)} beyond the tolerance of ${formatFigure(tol)}.${spread}`;
}

/** The headline: the overall verdict and which figures decided it. */
export function verdictSentence(repro: Pick<Reproduction, 'figures' | 'verdict' | 'runs'>): string {
  const published = repro.figures.filter((f) => f.published !== null);
  const seeds = `${repro.runs.length} seed${repro.runs.length === 1 ? '' : 's'}`;
  const names = (fs: FigureComparison[]) => fs.map((f) => METRIC_LABELS[f.metric].toLowerCase()).join(', ');
  switch (repro.verdict) {
    case 'reproduced':
      return `Reproduced: all ${published.length} published figure${published.length === 1 ? ' is' : 's are'} within tolerance (mean over ${seeds}).`;
    case 'not-reproduced': {
      const bad = published.filter((f) => f.verdict === 'not-reproduced');
      return `NOT reproduced: ${bad.length} of ${published.length} published figures fall outside tolerance (${names(bad)}; mean over ${seeds}).`;
    }
    case 'not-measured': {
      const missing = published.filter((f) => f.verdict === 'not-measured');
      return `Not measured: no run produced ${names(missing)}, so the reproduction cannot be judged.`;
    }
    case 'nothing-published':
      return `Nothing published to compare with; measured values are listed for reference (${seeds}).`;
  }
}
