import { rowNormalize } from '../eval/confusion.js';
import type { MetricKey } from '../spec/sections.js';
import { aggregateConfusion, curvePoints, type CurvePoint, type Split } from './aggregate.js';
import { formatFigure, formatMeanStd, METRIC_LABELS, formatDifference, shownVerdict, TONE_COLORS } from './format.js';
import type { FigureComparison, Reproduction, Verdict } from './types.js';

/**
 * Vega-Lite specs as plain JSON, so any host can draw them: the Node backend
 * renders them to SVG/PNG, a browser can hand them to vega-embed. Core does not
 * depend on vega-lite; the specs are checked by compiling them in the
 * backend's tests.
 */
export type VegaLiteSpec = { $schema: string } & Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** DejaVu first: the Node renderer ships no fonts of its own and Debian's DejaVu is what it finds. */
export const CHART_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

const CONFIG = {
  font: CHART_FONT,
  background: 'white',
  padding: 12,
  title: { fontSize: 16, subtitleFontSize: 12, subtitleColor: '#444', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 12, titleFontSize: 13, titlePadding: 8, labelLimit: 160 },
  legend: { labelFontSize: 12, titleFontSize: 12, symbolSize: 120, labelLimit: 240 },
  header: { labelFontSize: 13 },
  concat: { spacing: 32 },
};

export const SPLIT_COLORS: Record<Split, string> = { train: '#1f77b4', validation: '#e6550d' };
export const VERDICT_COLORS: Record<Verdict, string> = {
  reproduced: '#2e7d32',
  'not-reproduced': '#c62828',
  'not-measured': '#8d6e00',
  'nothing-published': '#555555',
  inconclusive: '#a15c00',
};

const spec = (body: Record<string, unknown>): VegaLiteSpec => ({ $schema: SCHEMA, config: CONFIG, ...body });

/** Keys whose published value is the curve's value at the last epoch, so it can be marked on the curve. */
const LAST_EPOCH: Partial<Record<MetricKey, { metric: string; split: Split }>> = {
  trainLoss: { metric: 'loss', split: 'train' },
  trainAccuracy: { metric: 'accuracy', split: 'train' },
  valLoss: { metric: 'loss', split: 'validation' },
  valAccuracy: { metric: 'accuracy', split: 'validation' },
};

type CurveRow = Omit<CurvePoint, 'seed'> & { seed: number | null; series: 'seed' | 'mean' | 'published' };

/**
 * Loss and accuracy per epoch, train and validation side by side. Every seed
 * is a thin line and the mean over seeds a thick one, so the spread between
 * seeds is visible next to the figure being compared. Published last-epoch
 * figures are marked with a diamond where the published run ended.
 */
export function curvesChart(repro: Reproduction): VegaLiteSpec | null {
  const { seeds, mean } = curvePoints(repro.runs);
  const metrics = ['loss', 'accuracy'].filter((m) => mean.some((p) => p.metric === m));
  if (!metrics.length) return null;
  const many = repro.runs.length > 1;
  const lastEpoch = repro.spec.training.epochs;
  const published: CurveRow[] = repro.figures.flatMap((f) => {
    const at = LAST_EPOCH[f.metric];
    return at && f.published !== null ? [{ ...at, epoch: lastEpoch, value: f.published, seed: null, n: 1, series: 'published' as const }] : [];
  });
  const rows: CurveRow[] = [
    ...(many ? seeds.map((p) => ({ ...p, series: 'seed' as const })) : []),
    ...mean.map((p) => ({ ...p, series: 'mean' as const })),
    ...published,
  ].filter((r) => metrics.includes(r.metric));

  const x = { field: 'epoch', type: 'quantitative', title: 'Epoch', scale: { zero: false, nice: false }, axis: { tickMinStep: 1, format: 'd' } };
  const color = {
    field: 'split',
    type: 'nominal',
    title: null,
    scale: { domain: ['train', 'validation'], range: [SPLIT_COLORS.train, SPLIT_COLORS.validation] },
    // The thin per-seed lines come first and would otherwise lend the legend their faint opacity.
    legend: { orient: 'top', direction: 'horizontal', symbolOpacity: 1, symbolType: 'stroke', symbolStrokeWidth: 3 },
  };
  const only = (series: CurveRow['series']) => [{ filter: { field: 'series', equal: series } }];
  const panel = (metric: string) => {
    const has = (series: CurveRow['series']) => rows.some((r) => r.metric === metric && r.series === series);
    // labelFlush: a label at the top of the axis (1.0) stays inside the plot instead of raising one panel's title above the other's
    const y = { field: 'value', type: 'quantitative', title: metric === 'loss' ? 'Loss' : 'Accuracy', scale: { zero: false }, axis: { labelFlush: true } };
    const tooltip = [
      { field: 'split', type: 'nominal' },
      { field: 'epoch', type: 'quantitative' },
      { field: 'value', type: 'quantitative', format: '.4f' },
      { field: 'n', type: 'quantitative', title: 'seeds' },
    ];
    const layers: Record<string, unknown>[] = [];
    if (has('seed')) {
      layers.push({ transform: only('seed'), mark: { type: 'line', strokeWidth: 1, opacity: 0.45 }, encoding: { x, y, color, detail: { field: 'seed', type: 'nominal' } } });
    }
    layers.push({ transform: only('mean'), mark: { type: 'line', strokeWidth: 3, point: { size: 36, filled: true } }, encoding: { x, y, color, tooltip } });
    if (has('published')) {
      layers.push({
        transform: only('published'),
        mark: { type: 'point', shape: 'diamond', size: 170, filled: true, stroke: 'black', strokeWidth: 1, opacity: 1 },
        encoding: { x, y, color, tooltip: [{ field: 'split', type: 'nominal' }, { field: 'value', type: 'quantitative', title: 'published', format: '.4f' }] },
      });
    }
    return { title: metric === 'loss' ? 'Loss' : 'Accuracy', width: 380, height: 260, transform: [{ filter: { field: 'metric', equal: metric } }], layer: layers };
  };
  const subtitle = [
    many ? `Thick lines: mean over ${repro.runs.length} seeds; thin lines: each seed.` : `One seed (${repro.runs[0]?.seed ?? '?'}).`,
    ...(published.length ? ['\u25C6 published value at the last epoch.'] : []),
  ].join(' ');
  return spec({
    title: { text: `Training curves: ${repro.spec.name}`, subtitle },
    data: { values: rows },
    hconcat: metrics.map(panel),
    resolve: { scale: { y: 'independent' } },
  });
}

/** Mean counts read best as whole numbers; below 10, a tenth still tells "one seed in three" from none. */
function countLabel(c: number): string {
  if (c === 0) return '';
  return Number.isInteger(c) ? String(c) : c >= 10 ? String(Math.round(c)) : c.toFixed(1);
}

function shareLabel(f: number, count: number): string {
  if (count === 0) return '';
  const p = f * 100;
  // A single image in thousands would print as "0.0%", which reads as none.
  return p < 0.05 ? '<0.1%' : `${p >= 9.95 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/**
 * The test confusion matrix as a heatmap, true class in rows, with the value
 * in every non-empty cell. Counts are the mean per seed so they are on the
 * scale of a published matrix (one run over the test set); `normalized` shows
 * each row as shares of the true class, so the diagonal is each class's recall.
 * The colour scale is a square root: with a linear one the diagonal is
 * saturated and the confusions a reader looks for are barely tinted.
 */
export function confusionChart(repro: Reproduction, o: { normalized?: boolean } = {}): VegaLiteSpec | null {
  const agg = aggregateConfusion(repro);
  if (!agg) return null;
  const names = repro.classNames;
  const shares = rowNormalize(agg.confusion);
  const values = agg.confusion.flatMap((row, i) =>
    row.map((sum, j) => {
      const count = sum / agg.seeds;
      const share = shares[i]![j]!;
      return { true: names[i], predicted: names[j], count, share, label: o.normalized ? shareLabel(share, sum) : countLabel(count) };
    }),
  );
  const field = o.normalized ? 'share' : 'count';
  const max = Math.max(...values.map((v) => v[field]));
  // White text where the (square-root) colour is dark enough for black text to get lost.
  const dark = Math.max(max * 0.3, Number.MIN_VALUE);
  const step = names.length <= 10 ? 46 : names.length <= 20 ? 30 : 20;
  const fontSize = names.length <= 10 ? 11 : 9;
  const axis = (title: string) => ({ field: title === 'True class' ? 'true' : 'predicted', type: 'nominal', sort: names, title });
  const seeds = agg.seeds > 1 ? `mean over ${agg.seeds} seeds` : 'one seed';
  return spec({
    title: o.normalized
      ? { text: 'Confusion matrix, share of each true class', subtitle: `Each row sums to 100%; the diagonal is the recall of the class (${seeds}).` }
      : { text: 'Confusion matrix, counts', subtitle: agg.seeds > 1 ? `Test images per (true, predicted) pair: mean per seed over ${agg.seeds} seeds.` : 'Test images per (true, predicted) pair (one seed).' },
    data: { values },
    width: { step },
    height: { step },
    encoding: {
      // Headless Vega overestimates rotated label extents, so the title is pulled in.
      x: { ...axis('Predicted class'), axis: { labelAngle: -40, labelAlign: 'right', titlePadding: 0 } },
      y: axis('True class'),
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          // Empty cells white, so "never confused" stands apart from "confused a little".
          color: {
            condition: { test: 'datum.count === 0', value: '#ffffff' },
            field,
            type: 'quantitative',
            title: o.normalized ? 'Share' : 'Count',
            scale: { type: 'sqrt', scheme: 'blues', ...(o.normalized ? { domain: [0, 1] } : { domainMin: 0 }) },
            legend: o.normalized ? { format: '.0%' } : { format: 'd' },
          },
          tooltip: [
            { field: 'true', type: 'nominal', title: 'true' },
            { field: 'predicted', type: 'nominal', title: 'predicted' },
            { field: 'count', type: 'quantitative', format: '.1f' },
            { field: 'share', type: 'quantitative', format: '.1%' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize, baseline: 'middle' },
        encoding: {
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: `datum.${field} >= ${dark}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  });
}

type FigureRow = { kind: 'tolerance' | 'each seed' | 'mean ± std' | 'published' | 'one new run (95%)'; row: string; value?: number; lo?: number; hi?: number };

const KINDS = {
  domain: ['each seed', 'mean ± std', 'published', 'tolerance', 'one new run (95%)'],
  color: ['#8a8a8a', '#1565c0', '#d32f2f', '#b9dfbb', '#9fa8da'],
  shape: ['circle', 'circle', 'diamond', 'square', 'stroke'],
};

function figurePanel(f: FigureComparison, reduced: boolean) {
  const row = METRIC_LABELS[f.metric];
  const rows: FigureRow[] = [];
  // An old resolved spec can lack a tolerance (undefined, not null): no band then.
  if (f.published !== null && f.tolerance != null) rows.push({ kind: 'tolerance', row, lo: f.published - f.tolerance, hi: f.published + f.tolerance });
  const pi = f.statistics?.predictionInterval;
  if (pi) rows.push({ kind: 'one new run (95%)', row, lo: pi[0], hi: pi[1] });
  for (const v of f.measured?.values ?? []) rows.push({ kind: 'each seed', row, value: v });
  if (f.measured) rows.push({ kind: 'mean ± std', row, value: f.measured.mean, lo: f.measured.mean - f.measured.std, hi: f.measured.mean + f.measured.std });
  if (f.published !== null) rows.push({ kind: 'published', row, value: f.published });

  // Layers share one x scale; lo/hi (band, error bar) and value all feed its domain.
  const x = { field: 'value', type: 'quantitative', title: null, scale: { zero: false, nice: false, padding: 24 } };
  const range = { field: 'lo', type: 'quantitative', title: null };
  const y = { field: 'row', type: 'nominal', axis: null };
  const color = { field: 'kind', type: 'nominal', title: null, scale: { domain: KINDS.domain, range: KINDS.color }, legend: { orient: 'top', direction: 'horizontal' } };
  const shape = { field: 'kind', type: 'nominal', title: null, scale: { domain: KINDS.domain, range: KINDS.shape } };
  const tooltip = [{ field: 'kind', type: 'nominal', title: 'what' }, { field: 'value', type: 'quantitative', format: '.4f' }];
  const only = (k: FigureRow['kind']) => [{ filter: { field: 'kind', equal: k } }];
  const has = (k: FigureRow['kind']) => rows.some((r) => r.kind === k);
  const point = (k: FigureRow['kind'], size: number) => ({ transform: only(k), mark: { type: 'point', filled: true, size, opacity: 0.9 }, encoding: { x, y, color, shape, tooltip } });
  const layer = [
    ...(has('one new run (95%)') ? [{ transform: only('one new run (95%)'), mark: { type: 'rule', strokeWidth: 9, opacity: 0.45 }, encoding: { x: range, x2: { field: 'hi' }, y, color } }] : []),
    ...(has('tolerance') ? [{ transform: only('tolerance'), mark: { type: 'rect', opacity: 0.7 }, encoding: { x: range, x2: { field: 'hi' }, y, color } }] : []),
    ...(has('mean ± std') ? [{ transform: only('mean ± std'), mark: { type: 'rule', strokeWidth: 2.5, color: KINDS.color[1] }, encoding: { x: range, x2: { field: 'hi' }, y } }] : []),
    ...(has('each seed') ? [point('each seed', 50)] : []),
    ...(has('mean ± std') ? [point('mean ± std', 150)] : []),
    ...(has('published') ? [point('published', 190)] : []),
  ];
  const n = f.measured?.values.length ?? 0;
  const subtitle = [
    `published ${formatFigure(f.published)}`,
    `measured ${formatMeanStd(f.measured)}${n ? ` (${n} seed${n === 1 ? '' : 's'})` : ''}`,
    `difference ${formatDifference(f.difference)}`,
    ...(f.tolerance != null ? [`tolerance ±${formatFigure(f.tolerance)}`] : []),
  ].join('  ·  ');
  const shown = shownVerdict(f, reduced);
  return {
    // anchored to the strip, not to its bounds (which an axis's end label can widen): every title starts at the same x
    title: { text: `${row}: ${shown.word}`, color: TONE_COLORS[shown.tone], subtitle, frame: 'group' },
    width: 560,
    height: 44,
    data: { values: rows },
    layer,
  };
}

/**
 * Published against measured, one strip per figure: every seed, the mean with
 * a ± std bar, the published value and its tolerance band. Each strip has its
 * own x scale because accuracies and losses live on different ranges.
 */
export function figuresChart(repro: Reproduction): VegaLiteSpec | null {
  const figs = repro.figures.filter((f) => f.measured !== null || f.published !== null);
  if (!figs.length) return null;
  return spec({
    title: {
      text: `Published vs measured: ${repro.spec.name}`,
      subtitle: ['Green band: published value ± tolerance. Bar: mean ± standard deviation over seeds.', 'Lilac band (two or more seeds): where one new run falls with 95% probability (Student t prediction interval).'],
    },
    vconcat: figs.map((f) => figurePanel(f, (repro.conditions ?? []).length > 0)),
    resolve: { scale: { x: 'independent', color: 'shared', shape: 'shared' }, legend: { color: 'shared', shape: 'shared' } },
  });
}
