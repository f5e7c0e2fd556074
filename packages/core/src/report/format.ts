import type { MetricKey } from '../spec/sections.js';
import type { FigureComparison, Reproduction, Verdict } from './types.js';
import type { FigureStatistics } from './stats.js';

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
  inconclusive: 'inconclusive',
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

/** A reproduction's wall time, and over how many sittings when it was interrupted and resumed. */
export function wallTime(r: Pick<Reproduction, 'wallSeconds' | 'sittings'>): string {
  const n = r.sittings ?? 1;
  return n > 1 ? `${formatDuration(r.wallSeconds)} over ${n} sittings (stopped and run again, each going on from the runs the earlier ones made)` : formatDuration(r.wallSeconds);
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

/** Colours by what a verdict tells a reader: firm yes, firm no, undecided, or nothing to judge. */
export type Tone = 'good' | 'bad' | 'unsure' | 'neutral';
export const TONE_COLORS: Record<Tone, string> = { good: '#2e7d32', bad: '#c62828', unsure: '#a15c00', neutral: '#5f6368' };

/**
 * The verdict a report shows for a figure: the tolerance verdict, unless the
 * seeds cannot back it (inconclusive), and never a red one for a reduced run,
 * whose verdicts say little about the published setup.
 */
export function shownVerdict(f: Pick<FigureComparison, 'verdict' | 'statistics'>, reduced = false): { word: string; tone: Tone } {
  if (f.verdict === 'not-measured' || f.verdict === 'nothing-published' || f.verdict === 'inconclusive') return { word: VERDICT_WORDS[f.verdict], tone: f.verdict === 'not-measured' ? 'unsure' : 'neutral' };
  const inconclusive = f.statistics?.decision === 'inconclusive';
  if (reduced) return { word: `${inconclusive ? 'inconclusive' : f.verdict === 'reproduced' ? 'within tolerance' : 'outside tolerance'} (reduced run)`, tone: 'neutral' };
  if (inconclusive) return { word: `inconclusive (mean ${f.verdict === 'reproduced' ? 'within' : 'outside'} tolerance)`, tone: 'unsure' };
  return { word: VERDICT_WORDS[f.verdict], tone: f.verdict === 'reproduced' ? 'good' : 'bad' };
}

/**
 * The reproduction's verdict once the seeds are heard: not reproduced when the
 * seeds firmly put a figure outside its tolerance, inconclusive when any other
 * figure cannot be decided, else the tolerance verdict.
 */
export function overallDecision(r: Pick<Reproduction, 'figures' | 'verdict'>): Verdict {
  const published = r.figures.filter((f) => f.published !== null);
  if (r.verdict === 'not-measured' || r.verdict === 'nothing-published') return r.verdict;
  if (published.some((f) => f.verdict === 'not-reproduced' && f.statistics?.decision !== 'inconclusive')) return 'not-reproduced';
  if (published.some((f) => f.statistics?.decision === 'inconclusive')) return 'inconclusive';
  return r.verdict;
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

/**
 * What the seeds allow a reader to conclude about one figure, in words: whether
 * the published run is a plausible single run of this spec, and whether the
 * seeds pin the mean down enough for the tolerance to decide. `o.fmt` writes a
 * value of the figure (the report's 0.2042; REPRODUCTIONS.md's 20.42%).
 */
export function statisticsSentence(f: Pick<FigureComparison, 'metric' | 'published' | 'tolerance' | 'statistics'> & { measured: { values: readonly number[] } | null }, o: { fmt?: (x: number) => string } = {}): string | null {
  const show = o.fmt ?? ((x: number) => formatFigure(x));
  const interval = ([lo, hi]: [number, number]) => `${show(lo)} to ${show(hi)}`;
  const s: FigureStatistics | null | undefined = f.statistics;
  if (f.published === null || !f.measured) return null;
  const label = METRIC_LABELS[f.metric];
  if (!s) return f.measured.values.length === 1 ? `${label}: one seed shows no spread, so nothing can be said about how likely the published run is.` : null;
  const level = pct(s.confidence);
  const draw = s.publishedInPredictionInterval
    ? `the published ${show(f.published)} lies inside the ${level} prediction interval for one new run (${interval(s.predictionInterval)}), so it is a plausible single run of this spec`
    : `the published ${show(f.published)} lies outside the ${level} prediction interval for one new run (${interval(s.predictionInterval)}), so a run of this spec would rarely give it`;
  const band = `published ± tolerance (${interval([f.published - f.tolerance!, f.published + f.tolerance!])})`;
  const decide =
    s.decision === 'reproduced'
      ? `the ${level} interval of the mean (${interval(s.meanInterval)}) lies within ${band}: reproduced, and more seeds are unlikely to change that`
      : s.decision === 'not-reproduced'
        ? `the ${level} interval of the mean (${interval(s.meanInterval)}) lies clear of ${band}: not reproduced, and more seeds are unlikely to change that`
        : `the ${level} interval of the mean (${interval(s.meanInterval)}) crosses the edge of ${band}: the seeds spread too widely for the tolerance to decide (inconclusive)${s.seedsToDecide ? `; at this spread about ${s.seedsToDecide} seeds would decide it` : '; no affordable number of seeds would decide it at this spread'}`;
  return `${label}: over ${s.seeds} seeds, ${draw}; ${decide}.`;
}

/** "22 Nov 2026, 14:45 UTC": ISO timestamps are for programs (report.json keeps one). */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** The headline: the overall verdict and which figures decided it. */
export function verdictSentence(repro: Pick<Reproduction, 'figures' | 'verdict' | 'runs'> & { conditions?: string[] }): string {
  const published = repro.figures.filter((f) => f.published !== null);
  const seeds = `${repro.runs.length} seed${repro.runs.length === 1 ? '' : 's'}`;
  const names = (fs: FigureComparison[]) => fs.map((f) => METRIC_LABELS[f.metric].toLowerCase()).join(', ');
  const of = (k: number) => (published.length === 1 ? 'the one published figure' : `${k} of ${published.length} published figures`);
  if ((repro.conditions ?? []).length && published.length && repro.verdict !== 'not-measured') {
    const within = published.filter((f) => f.verdict === 'reproduced').length;
    return `Reduced run, no verdict: under these settings ${published.length === 1 ? `the one published figure is ${within ? 'within' : 'outside'}` : `${within} of ${published.length} published figures are within`} tolerance (mean over ${seeds}), which says little about the published setup.`;
  }
  switch (overallDecision(repro)) {
    case 'reproduced':
      return `Reproduced: ${published.length === 1 ? 'the one published figure is' : `all ${published.length} published figures are`} within tolerance (mean over ${seeds}).`;
    case 'not-reproduced': {
      const bad = published.filter((f) => f.verdict === 'not-reproduced');
      return `NOT reproduced: ${of(bad.length)} ${bad.length === 1 ? 'falls' : 'fall'} outside tolerance (${names(bad)}; mean over ${seeds}).`;
    }
    case 'inconclusive': {
      const open = published.filter((f) => f.statistics?.decision === 'inconclusive');
      return `Inconclusive: the ${seeds} spread too widely for the tolerance to decide ${of(open.length)} (${names(open)}).`;
    }
    case 'not-measured': {
      const missing = published.filter((f) => f.verdict === 'not-measured');
      return `Not measured: no run produced ${names(missing)}, so the reproduction cannot be judged.`;
    }
    default:
      return `Nothing published to compare with; measured values are listed for reference (${seeds}).`;
  }
}
