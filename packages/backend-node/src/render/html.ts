import {
  aggregateConfusion,
  explainFigure,
  formatCount,
  formatDifference,
  formatDate,
  formatDuration,
  wallTime,
  formatFigure,
  formatMeanStd,
  environmentRows,
  METRIC_LABELS,
  overallDecision,
  searchLines,
  seedPlanSentence,
  shownVerdict,
  statisticsSentence,
  TONE_COLORS,
  VERDICT_COLORS,
  VERDICT_WORDS,
  verdictSentence,
  type FigureComparison,
  type MetricKey,
  type ReportImage,
  type Reproduction,
} from '@modelspec/core';
import { escapeXml as e } from './escape.js';

/** The report's plots as SVG text, keyed like the Markdown's images; a missing key leaves that plot out. */
export type ReportSvgs = Partial<Record<ReportImage, string>>;

const CSS = `
body{font-family:"DejaVu Sans",system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#1d1d1f;background:#f6f7f9;line-height:1.45}
main{max-width:1180px;margin:0 auto;padding:24px 32px 48px;background:#fff;min-height:100vh}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 12px;padding-bottom:4px;border-bottom:2px solid #e3e5e8}h3{font-size:16px;margin:24px 0 8px}
.sub{color:#555;margin:0 0 12px}.badges{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin:12px 0}
.badge{display:inline-block;white-space:nowrap;padding:3px 12px;border-radius:14px;color:#fff;font-weight:600;font-size:14px;line-height:1.4;vertical-align:middle}
.badge.big{font-size:18px;padding:5px 16px}td .badge{font-size:13px}.qual{font-size:12px;color:#555;margin-top:2px}td.n{white-space:nowrap}
.warn{background:#fff4e5;border-left:4px solid #e65100;padding:8px 14px;margin:12px 0}
.scroll{overflow-x:auto;margin:8px 0 16px}.scroll table{margin:0}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}th,td{padding:5px 10px;border-bottom:1px solid #e3e5e8;text-align:left;vertical-align:middle}
th{background:#f0f2f5}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.sum td{font-weight:600;background:#fafbfc}
figure{margin:12px 0}figure img{max-width:100%;height:auto;border:1px solid #eee}.row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
ul.why li{margin:4px 0}blockquote{margin:8px 0;padding:4px 14px;border-left:4px solid #cfd4da;color:#444}code{font-size:13px;background:#f0f2f5;padding:1px 4px;border-radius:3px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0}dt{font-weight:600;color:#444}dd{margin:0;overflow-wrap:anywhere}
@media (max-width:700px){main{padding:16px 12px 32px}.badge{white-space:normal}h1{font-size:21px}dl{grid-template-columns:1fr;gap:0}dd{margin:0 0 8px}.badge.big{font-size:16px}}
`;

const badge = (color: string, text: string, big = false) => `<span class="badge${big ? ' big' : ''}" style="background:${color}">${e(text)}</span>`;
const figureBadge = (f: FigureComparison, reduced: boolean, prefix = '') => {
  const v = shownVerdict(f, reduced);
  return badge(TONE_COLORS[v.tone], prefix + (f.verdict === 'not-reproduced' && v.tone === 'bad' ? VERDICT_WORDS[f.verdict] : v.word));
};
/** In a table cell the badge holds the verdict's first words and its qualifier goes under it, so badges stay one line high. */
const cellBadge = (f: FigureComparison, reduced: boolean) => {
  const v = shownVerdict(f, reduced);
  const word = f.verdict === 'not-reproduced' && v.tone === 'bad' ? VERDICT_WORDS[f.verdict] : v.word;
  const m = /^(.*?) \((.*)\)$/.exec(word);
  return m ? `${badge(TONE_COLORS[v.tone], m[1]!)}<div class="qual">${e(m[2]!)}</div>` : badge(TONE_COLORS[v.tone], word);
};
/** Wide tables scroll inside their box on a narrow screen instead of widening the page. */
const scroll = (table: string) => `<div class="scroll">${table}</div>`;
/** Spec prose writes `code` in backticks, as Markdown does; the page shows it as code, not as backticks. */
const prose = (s: string) => e(s).replace(/`([^`\n]+)`/g, '<code>$1</code>');
const th = (cols: [string, boolean?][]) => `<tr>${cols.map(([c, n]) => `<th${n ? ' class="n"' : ''}>${e(c)}</th>`).join('')}</tr>`;
const td = (s: string | number, numeric = false) => `<td${numeric ? ' class="n"' : ''}>${e(s)}</td>`;

/**
 * SVG as an <img> data URI rather than inline markup: Vega gives every chart
 * the same clip-path ids, which would collide in one document, and an <img>
 * scales with the page like the PNGs do.
 */
const img = (svg: string | undefined, alt: string) =>
  svg ? `<figure><img alt="${e(alt)}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"></figure>` : '';

function figuresTable(r: Reproduction): string {
  if (!r.figures.length) return '<p>No figures were published or measured.</p>';
  const reduced = (r.conditions ?? []).length > 0;
  const plausible = (f: FigureComparison) => (f.statistics ? (f.statistics.publishedInPredictionInterval ? 'yes' : 'no') : '–');
  const rows = r.figures.map(
    (f) =>
      `<tr>${td(METRIC_LABELS[f.metric])}${td(formatFigure(f.published), true)}${td(formatMeanStd(f.measured), true)}${td(f.measured?.values.length ?? 0, true)}${td(formatDifference(f.difference), true)}${td(f.tolerance == null ? '–' : `±${formatFigure(f.tolerance)}`, true)}<td>${cellBadge(f, reduced)}</td>${td(plausible(f))}${td(f.source ?? '')}</tr>`,
  );
  const head = th([['Figure'], ['Published', true], ['Measured (mean ± std)', true], ['Seeds', true], ['Difference', true], ['Tolerance', true], ['Verdict'], ['Published run plausible?'], ['Published in']]);
  const why = r.figures.filter((f) => f.published !== null || f.note).map((f) => `<li>${e(explainFigure(f))}${f.note ? ` <em>Note: ${prose(f.note)}</em>` : ''}</li>`);
  const said = r.figures.map((f) => statisticsSentence(f)).filter((x): x is string => x !== null);
  const plan = seedPlanSentence(r);
  const seeds = said.length || plan ? `<p><strong>What the seeds allow us to conclude:</strong></p><ul class="why">${said.map((x) => `<li>${e(x)}</li>`).join('')}</ul>${plan ? `<p>${e(plan)}</p>` : ''}` : '';
  const notes = r.spec.reference?.notes ? `<p><strong>About the published figures:</strong></p><blockquote>${prose(r.spec.reference.notes)}</blockquote>` : '';
  const checks = r.checks?.length ? `<p><strong>What modelspec's checks found in the spec:</strong></p><ul class="why">${r.checks.map((c) => `<li>${prose(c)}</li>`).join('')}</ul>` : '';
  return `${scroll(`<table>${head}${rows.join('')}</table>`)}${why.length ? `<ul class="why">${why.join('')}</ul>` : ''}${seeds}${notes}${checks}`;
}

function testSection(r: Reproduction, svgs: ReportSvgs): string {
  const agg = aggregateConfusion(r, 5);
  if (!agg) return '<p>No run was evaluated on a test set.</p>';
  const n = agg.seeds;
  const perSeed = (c: number) => formatCount(c / n);
  const parts = [`<h3>Confusion matrix</h3><div class="row">${img(svgs.confusion, 'Confusion matrix, counts')}${img(svgs.confusionNormalized, 'Confusion matrix, share of each true class')}</div>`];
  const diag = r.spec.reference?.confusionDiagonal;
  if (diag && diag.length === r.classNames.length) {
    const rows = r.classNames.map((c, i) => `<tr>${td(c)}${td(diag[i]!, true)}${td(perSeed(agg.confusion[i]![i]!), true)}${td(formatDifference(agg.confusion[i]![i]! / n - diag[i]!, 1), true)}</tr>`);
    parts.push(`<p>Correct predictions per class (the diagonal), published against measured${n > 1 ? `, mean per seed over ${n} seeds` : ''}:</p><table>${th([['Class'], ['Published', true], ['Measured', true], ['Difference', true]])}${rows.join('')}</table>`);
  }
  const rep = agg.report;
  const line = (name: string, m: { precision: number; recall: number; f1: number; support: number }, cls = '') =>
    `<tr${cls}>${td(name)}${td(formatFigure(m.precision), true)}${td(formatFigure(m.recall), true)}${td(formatFigure(m.f1), true)}${td(m.support, true)}</tr>`;
  parts.push(
    `<h3>Classification report</h3><p class="sub">${n > 1 ? `From the ${n} seeds' confusion matrices summed (the report of their mean); supports are summed too.` : 'From the test confusion matrix.'}</p>`,
    `<div class="scroll"><table>${th([['Class'], ['Precision', true], ['Recall', true], ['F1', true], ['Support', true]])}${rep.classes.map((c) => line(c.name, c)).join('')}`,
    `<tr class="sum">${td('accuracy')}${td('')}${td('')}${td(formatFigure(rep.accuracy), true)}${td(rep.totalSupport, true)}</tr>`,
    `${line('macro avg', rep.macro, ' class="sum"')}${line('weighted avg', rep.weighted, ' class="sum"')}</table></div>`,
  );
  if (rep.warnings.length) parts.push(`<ul>${rep.warnings.map((w) => `<li>⚠ ${e(w)}</li>`).join('')}</ul>`);
  if (agg.top.length) {
    const items = agg.top.map((c) => {
      const ofClass = agg.confusion[c.trueIndex]!.reduce((a, b) => a + b, 0);
      return `<li>${e(c.trueName)} predicted as ${e(c.predName)}: ${perSeed(c.count)}${n > 1 ? ' per seed' : ''} (${((100 * c.count) / ofClass).toFixed(1)}% of ${e(c.trueName)})</li>`;
    });
    parts.push(`<h3>Largest confusions</h3><ol>${items.join('')}</ol>`);
  }
  if (svgs.predictions) parts.push(`<h3>Predictions</h3>${img(svgs.predictions, 'Test predictions')}`);
  return parts.join('\n');
}

function runsTable(r: Reproduction): string {
  const keys = [...new Set(r.runs.flatMap((x) => Object.keys(x.measured) as MetricKey[]))].filter((k) => k.startsWith('test') || r.figures.some((f) => f.metric === k));
  const head = th([['Seed', true], ['Engine'], ['Epochs', true], ['Stopped'], ['Training time', true], ...keys.map((k): [string, boolean] => [METRIC_LABELS[k], true]), ['Weights SHA-256'], ['Run folder']]);
  const rows = r.runs.map(
    (x) =>
      `<tr>${td(x.seed, true)}${td(x.engine)}${td(x.history.length, true)}${td(x.stopReason)}${td(formatDuration(x.trainSeconds), true)}${keys.map((k) => td(formatFigure(x.measured[k]), true)).join('')}<td><code>${e(x.weightsSha256.slice(0, 12))}</code></td>${td(x.location ?? '–')}</tr>`,
  );
  return scroll(`<table>${head}${rows.join('')}</table>`);
}

/** The search that chose the model: its settings, winner and cv_results_ table. */
function searchSection(r: Reproduction): string {
  const s = r.search;
  if (!s) return '';
  const [intro] = searchLines(s);
  const keys = Object.keys(s.results[0]?.params ?? {});
  const head = th([['Rank', true], [`Mean ${s.scoreBy}`, true], ['Std', true], ['Fit s', true], ...keys.map((k): [string, boolean] => [k, true]), ['Fold scores']]);
  const val = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)).toString() : String(v));
  const rows = [...s.results]
    .sort((a, b) => a.rank - b.rank)
    .map((c) => `<tr${c.rank === 1 ? ' class="sum"' : ''}>${td(c.rank, true)}${td(formatFigure(c.mean), true)}${td(formatFigure(c.std), true)}${td(c.fitSeconds.toFixed(1), true)}${keys.map((k) => td(val(c.params[k]), true)).join('')}${td(c.foldScores.map((x) => formatFigure(x)).join(' '))}</tr>`);
  return `<section><h2>Search</h2><p>${prose(intro!)}</p>${scroll(`<table>${head}${rows.join('')}</table>`)}</section>`;
}

function provenance(r: Reproduction): string {
  const s = r.spec.source;
  const items: [string, string][] = s
    ? [
        ['Project', s.project],
        // A URL is shown, not linked: the page must not reach out to the network, even on a click.
        ['URL', s.url ?? '–'],
        ['Figures read from', s.notebook ?? '–'],
        ['License', s.license ?? 'not stated'],
      ]
    : [['Source', 'not recorded in the spec']];
  items.push(['Spec file', r.specFile], ['Spec name', r.spec.name]);
  if (r.spec.reference?.parameters) items.push(['Published parameters', r.spec.reference.parameters.toLocaleString('en-US')]);
  const dl = `<dl>${items.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`;
  return dl + (s?.notes ? `<blockquote>${prose(s.notes)}</blockquote>` : '');
}

/** A self-contained page: styles inline, plots as data URIs, no scripts, nothing fetched. */
export function reportHtml(r: Reproduction, svgs: ReportSvgs): string {
  const title = r.spec.title || r.spec.name;
  const published = r.figures.filter((f) => f.published !== null);
  const conditions = r.conditions ?? [];
  const reduced = conditions.length > 0;
  const seeds = r.runs.map((x) => x.seed).join(', ');
  const decision = overallDecision(r);
  const head = reduced ? badge(TONE_COLORS.neutral, 'reduced run: no verdict', true) : badge(VERDICT_COLORS[decision], VERDICT_WORDS[decision], true);
  const env: [string, string][] = [
    ['Seeds', `${r.runs.length} (${seeds})`],
    ['Wall time', wallTime(r)],
    ['Training time (sum over seeds)', formatDuration(r.runs.reduce((a, x) => a + x.trainSeconds, 0))],
    ['Classes', r.classNames.join(', ')],
    ...environmentRows(r),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}: ${e(reduced ? 'reduced run' : VERDICT_WORDS[decision])}</title><style>${CSS}</style></head>
<body><main>
<header>
<h1>${e(title)}</h1>
<p class="sub"><code>${e(r.spec.name)}</code> · ${e(r.runs.length)} seed${r.runs.length === 1 ? '' : 's'} · ${e(r.engine)} · ${e(formatDate(r.date))}</p>
<div class="badges">${head}${published.map((f) => figureBadge(f, reduced, `${METRIC_LABELS[f.metric]}: `)).join('')}</div>
<p><strong>${e(verdictSentence(r))}</strong></p>
${conditions.length ? `<div class="warn"><strong>Reduced run:</strong> these runs departed from the published setup (${conditions.map((c) => `<code>${e(c)}</code>`).join(', ')}); the verdicts say little about the published figures.</div>` : ''}
${r.spec.description ? `<p>${prose(r.spec.description)}</p>` : ''}
</header>
<section><h2>Published vs measured</h2>${figuresTable(r)}${img(svgs.figures, 'Published vs measured')}</section>
${searchSection(r)}
<section><h2>Training curves</h2>${img(svgs.curves, 'Training curves') || '<p>No training history.</p>'}</section>
<section><h2>Test set</h2>${testSection(r, svgs)}</section>
<section><h2>Runs</h2>${runsTable(r)}</section>
<section><h2>Provenance</h2>${provenance(r)}</section>
<section><h2>Environment and versions</h2><dl>${env.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl></section>
</main></body></html>
`;
}
