import { aggregateConfusion, type AggregateConfusion } from './aggregate.js';
import { explainFigure, formatCount, formatDate, formatFigure, formatMeanStd, METRIC_LABELS, formatDuration, formatDifference, wallTime, overallDecision, shownVerdict, statisticsSentence, VERDICT_WORDS, verdictSentence } from './format.js';
import { environmentRows, searchLines, seedPlanSentence } from './provenance.js';
import type { Reproduction, RunSummary } from './types.js';
import type { MetricKey } from '../spec/sections.js';

/** The plots a report links to or embeds. */
export type ReportImage = 'figures' | 'curves' | 'confusion' | 'confusionNormalized' | 'predictions';

/** File names the Node renderer writes; the Markdown links to them by relative path. */
export const REPORT_IMAGES: Record<ReportImage, string> = {
  figures: 'figures.png',
  curves: 'curves.png',
  confusion: 'confusion.png',
  confusionNormalized: 'confusion-normalized.png',
  predictions: 'predictions.png',
};

export interface MarkdownOptions {
  /** Where each plot is, relative to the Markdown file; null leaves it out. Defaults to `REPORT_IMAGES`. */
  images?: Partial<Record<ReportImage, string | null>>;
  /** How many of the largest confusions to list (default 5). */
  confusions?: number;
}

/** Table cells cannot hold pipes or line breaks. */
const cell = (s: string | number) => String(s).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const table = (head: string[], rows: (string | number)[][], align?: ('l' | 'r')[]) =>
  [
    `| ${head.map(cell).join(' | ')} |`,
    `|${head.map((_, i) => (align?.[i] === 'r' ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
const quote = (s: string) => s.split('\n').map((l) => `> ${l}`).join('\n');
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

const ICON = { good: '✅', bad: '❌', unsure: '❓', neutral: '·' } as const;

function figuresSection(r: Reproduction): string[] {
  if (!r.figures.length) return ['No figures were published or measured.'];
  const reduced = (r.conditions ?? []).length > 0;
  const verdictCell = (f: Reproduction['figures'][number]) => {
    const v = shownVerdict(f, reduced);
    return f.verdict === 'nothing-published' ? v.word : `${ICON[v.tone]} ${f.verdict === 'not-reproduced' && v.tone === 'bad' ? 'NOT reproduced' : v.word}`;
  };
  const plausible = (f: Reproduction['figures'][number]) => (f.statistics ? (f.statistics.publishedInPredictionInterval ? 'yes' : 'no') : '–');
  const rows = r.figures.map((f) => [
    METRIC_LABELS[f.metric],
    formatFigure(f.published),
    formatMeanStd(f.measured),
    f.measured?.values.length ?? 0,
    formatDifference(f.difference),
    f.tolerance == null ? '–' : `±${formatFigure(f.tolerance)}`,
    verdictCell(f),
    plausible(f),
    f.source ?? '',
  ]);
  const out = [
    table(['Figure', 'Published', 'Measured (mean ± std)', 'Seeds', 'Difference', 'Tolerance', 'Verdict', 'Published run plausible?', 'Published in'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'l', 'l', 'l']),
  ];
  const why = r.figures.filter((f) => f.published !== null || f.note).map((f) => `- ${explainFigure(f)}${f.note ? ` Note: ${f.note}` : ''}`);
  if (why.length) out.push('', ...why);
  const seeds = r.figures.map((f) => statisticsSentence(f)).filter((x): x is string => x !== null);
  if (seeds.length) out.push('', '**What the seeds allow us to conclude:**', '', ...seeds.map((x) => `- ${x}`));
  const plan = seedPlanSentence(r);
  if (plan) out.push('', plan);
  if (r.spec.reference?.notes) out.push('', '**About the published figures:**', '', quote(r.spec.reference.notes));
  if (r.checks?.length) out.push('', "**What modelspec's checks found in the spec:**", '', ...r.checks.map((c) => `- ${c}`));
  return out;
}

function sourceSection(r: Reproduction): string[] {
  const s = r.spec.source;
  const lines: string[] = [];
  if (s) {
    lines.push(`- Project: ${s.url ? `[${s.project}](${s.url})` : s.project}`);
    if (s.notebook) lines.push(`- Figures read from: ${s.notebook}`);
    lines.push(`- License: ${s.license ?? 'not stated'}`);
  } else {
    lines.push('- No source is recorded in the spec.');
  }
  lines.push(`- Spec: \`${r.specFile}\` (name \`${r.spec.name}\`)`);
  if (r.spec.reference?.parameters) lines.push(`- Published parameter count: ${r.spec.reference.parameters.toLocaleString('en-US')}`);
  const out = lines;
  if (s?.notes) out.push('', quote(s.notes));
  return out;
}

function runsSection(r: Reproduction): string[] {
  const keys = [...new Set(r.runs.flatMap((run) => Object.keys(run.measured) as MetricKey[]))].filter((k) => k.startsWith('test') || r.figures.some((f) => f.metric === k));
  const rows = r.runs.map((run: RunSummary) => [
    run.seed,
    run.engine,
    run.history.length,
    run.stopReason,
    formatDuration(run.trainSeconds),
    ...keys.map((k) => formatFigure(run.measured[k])),
    `\`${run.weightsSha256.slice(0, 12)}\``,
  ]);
  const seeds = r.runs.map((x) => x.seed).join(', ');
  return [
    `${count(r.runs.length, 'seed')} (${seeds}) on ${r.engine || 'an unknown engine'}; ${formatDate(r.date)}; wall time ${wallTime(r)}.`,
    '',
    table(['Seed', 'Engine', 'Epochs', 'Stopped', 'Training time', ...keys.map((k) => METRIC_LABELS[k]), 'Weights SHA-256'], rows, ['r', 'l', 'r', 'l', 'r', ...keys.map(() => 'r' as const), 'l']),
  ];
}

function testSection(r: Reproduction, agg: AggregateConfusion, images: (k: ReportImage, alt: string) => string[]): string[] {
  const n = agg.seeds;
  const perSeed = (c: number) => formatCount(c / n);
  const out: string[] = ['### Confusion matrix', '', ...images('confusion', 'Confusion matrix, counts'), ...images('confusionNormalized', 'Confusion matrix, share of each true class')];
  const diag = r.spec.reference?.confusionDiagonal;
  if (diag && diag.length === r.classNames.length) {
    out.push(
      'Correct predictions per class (the diagonal), published against measured' + (n > 1 ? ` (mean per seed over ${n} seeds)` : '') + ':',
      '',
      table(
        ['Class', 'Published', 'Measured', 'Difference'],
        r.classNames.map((c, i) => [c, diag[i]!, perSeed(agg.confusion[i]![i]!), formatDifference(agg.confusion[i]![i]! / n - diag[i]!, 1)]),
        ['l', 'r', 'r', 'r'],
      ),
      '',
    );
  }
  const rep = agg.report;
  const row = (name: string, p: number, rc: number, f1: number, support: number) => [name, formatFigure(p), formatFigure(rc), formatFigure(f1), support];
  out.push(
    '### Classification report',
    '',
    n > 1 ? `Computed from the confusion matrices of the ${n} seeds summed, which gives the report of their mean; supports are summed too (${n} × the test set).` : 'Computed from the test confusion matrix.',
    '',
    table(
      ['Class', 'Precision', 'Recall', 'F1', 'Support'],
      [
        ...rep.classes.map((c) => row(c.name, c.precision, c.recall, c.f1, c.support)),
        ['**accuracy**', '', '', formatFigure(rep.accuracy), rep.totalSupport],
        row('**macro avg**', rep.macro.precision, rep.macro.recall, rep.macro.f1, rep.macro.support),
        row('**weighted avg**', rep.weighted.precision, rep.weighted.recall, rep.weighted.f1, rep.weighted.support),
      ],
      ['l', 'r', 'r', 'r', 'r'],
    ),
  );
  if (rep.warnings.length) out.push('', ...rep.warnings.map((w) => `- ⚠ ${w}`));
  if (agg.top.length) {
    out.push('', '### Largest confusions', '');
    agg.top.forEach((c, i) => {
      const ofClass = agg.confusion[c.trueIndex]!.reduce((a, b) => a + b, 0);
      out.push(`${i + 1}. ${c.trueName} predicted as ${c.predName}: ${perSeed(c.count)}${n > 1 ? ' per seed' : ''} (${((100 * c.count) / ofClass).toFixed(1)}% of ${c.trueName})`);
    });
  }
  return out;
}

/** A reduced run (fewer images, fewer epochs) must not pass for a reproduction, so it is said before anything else. */
function conditionsNote(r: Reproduction): string[] {
  const c = r.conditions ?? [];
  if (!c.length) return [];
  return [quote(`**Reduced run:** these runs departed from the published setup (${c.map((x) => `\`${x}\``).join(', ')}); the verdicts say little about the published figures.`), ''];
}

/**
 * The human-readable report: verdict first (what a reader came for), then why,
 * where the figures come from, every seed, and the test-set detail. Plots are
 * linked by relative path so the file reads well next to its PNGs.
 */
export function reproductionMarkdown(r: Reproduction, o: MarkdownOptions = {}): string {
  const paths = { ...REPORT_IMAGES, ...o.images };
  const images = (k: ReportImage, alt: string) => (paths[k] ? [`![${alt}](${paths[k]})`, ''] : []);
  const agg = aggregateConfusion(r, o.confusions ?? 5);
  const title = r.spec.title ? `${r.spec.title} (\`${r.spec.name}\`)` : `\`${r.spec.name}\``;
  const lines = [
    `# ${title}`,
    '',
    `**Verdict: ${(r.conditions ?? []).length ? 'reduced run, no verdict on the published setup' : VERDICT_WORDS[overallDecision(r)]}.** ${verdictSentence(r)}`,
    '',
    ...conditionsNote(r),
    ...(r.spec.description ? [r.spec.description, ''] : []),
    '## Published vs measured',
    '',
    ...figuresSection(r),
    '',
    ...images('figures', 'Published vs measured'),
    ...(r.search ? ['## Search', '', ...searchLines(r.search), ''] : []),
    '## Source',
    '',
    ...sourceSection(r),
    '',
    '## Runs',
    '',
    ...runsSection(r),
    '',
    '## Training curves',
    '',
    ...images('curves', 'Training curves'),
  ];
  if (agg) lines.push('## Test set', '', ...testSection(r, agg, images), '');
  else lines.push('No run was evaluated on a test set.', '');
  const first = r.runs.find((x) => x.test?.predictions.length);
  if (first && paths.predictions) {
    lines.push('### Predictions', '', `The first ${count(first.test!.predictions.length, 'test image')} as seed ${first.seed} classified them: green when right, red when wrong.`, '', ...images('predictions', 'Test predictions'));
  }
  lines.push('', '## Versions', '', table(['What', 'Version'], environmentRows(r), ['l', 'l']));
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
