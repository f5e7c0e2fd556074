import type { Reproduction } from './types.js';
import type { FigureStatistics } from './stats.js';
import type { MetricKey } from '../spec/sections.js';
import { overallDecision, statisticsSentence } from './format.js';

/** One spec's line in REPRODUCTIONS.md, as data (kept in a JSON file so partial runs update their rows only). */
export interface TableRow {
  spec: string;
  title: string;
  source: string;
  figures: {
    metric: string;
    published: number | null;
    source: string | null;
    mean: number | null;
    std: number | null;
    verdict: string;
    /** What the seeds back (reproduced, not-reproduced, inconclusive); absent with one seed, or in rows written before statistics. */
    decision?: string | null;
    /** Whether the published value lies in the seeds' 95% prediction interval for one new run. */
    plausible?: boolean | null;
    /** The figure's tolerance, and what its seeds say (report.json's statistics), for the words under the table; absent in rows written before they were kept. */
    tolerance?: number | null;
    statistics?: FigureStatistics | null;
  }[];
  verdict: string;
  /** The verdict once the seeds are heard (see report.json's decision). */
  decision?: string;
  seeds: number[];
  epochs: number;
  wallSeconds: number;
  /** Sittings the reproduction took (interrupted, then resumed); absent: one. */
  sittings?: number;
  engine: string;
  date: string;
  /** The git commit of the code that produced the row (report.json's environment.gitCommit); absent in rows written before it was kept. */
  commit?: string;
  report: string | null;
  /** Why nothing was measured, for a spec that could not run here. */
  note?: string;
}

export function tableRow(r: Reproduction, report: string | null): TableRow {
  return {
    spec: r.spec.name,
    title: r.spec.title,
    source: r.spec.source?.project ?? '',
    figures: r.figures.map((f) => ({
      metric: f.metric,
      published: f.published,
      source: f.source,
      mean: f.measured?.mean ?? null,
      std: f.measured?.std ?? null,
      verdict: f.verdict,
      decision: f.statistics?.decision ?? null,
      plausible: f.statistics ? f.statistics.publishedInPredictionInterval : null,
      tolerance: f.tolerance,
      statistics: f.statistics ?? null,
    })),
    verdict: r.verdict,
    decision: overallDecision(r),
    seeds: r.runs.map((x) => x.seed),
    epochs: r.spec.training.epochs,
    wallSeconds: r.wallSeconds,
    ...(r.sittings && r.sittings > 1 ? { sittings: r.sittings } : {}),
    engine: r.engine,
    date: r.date.slice(0, 10),
    ...(r.environment ? { commit: r.environment.gitCommit } : {}),
    report,
  };
}

/** A row for a spec that could not be run here (its data is missing, say): the published figures, nothing measured, and why. */
export function unmeasuredRow(spec: Reproduction['spec'], specFile: string, why: string, date = new Date()): TableRow {
  return {
    spec: spec.name,
    title: spec.title,
    source: spec.source?.project ?? '',
    figures: (spec.reference?.figures ?? []).map((f) => ({ metric: f.metric, published: f.value, source: f.source, mean: null, std: null, verdict: 'not-measured' })),
    verdict: 'not-measured',
    seeds: [],
    epochs: spec.training.epochs,
    wallSeconds: 0,
    engine: '',
    date: date.toISOString().slice(0, 10),
    report: null,
    note: `${specFile}: ${why}`,
  };
}

const isLoss = (m: string) => m.toLowerCase().includes('loss');
const fmt = (v: number, m: string) => (isLoss(m) ? v.toFixed(4) : `${(v * 100).toFixed(2)}%`);
const duration = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`);
const wall = (r: TableRow) => `${duration(r.wallSeconds)}${r.sittings && r.sittings > 1 ? ` (${r.sittings} sittings)` : ''}`;
/** A commit as the table shows it: its first 7 hex digits, and whether the working tree had changes. */
const shortCommit = (c: string) => (/^[0-9a-f]{40}/.test(c) ? c.slice(0, 7) + (c.length > 40 ? ' + changes' : '') : c);
const dated = (r: TableRow) => (r.commit ? `${r.date}, ${shortCommit(r.commit)}` : r.date);
const VERDICT: Record<string, string> = { reproduced: '✅ reproduced', 'not-reproduced': '❌ not reproduced', 'not-measured': '⚠️ not measured', 'nothing-published': '— nothing published' };

/**
 * The whole REPRODUCTIONS.md, written only by `modelspec reproduce --write-table`.
 * `explanations` maps a spec name to what its author wrote about the published
 * figures (its `reference.notes`): every spec that is not reproduced is listed
 * under the table with the measured against the published figures and that text
 * (apart, as undecided, when the seeds cannot decide any of its misses).
 */
export function renderReproductionsTable(rows: TableRow[], allSpecs: string[], explanations: Record<string, string | undefined> = {}): string {
  const sorted = [...rows].sort((a, b) => a.spec.localeCompare(b.spec));
  const lines = [
    '# Reproductions',
    '',
    '<!-- Written by `modelspec reproduce specs/ --write-table`; do not edit by hand. -->',
    '',
    'Each published figure against the mean ± standard deviation over seeds, measured by modelspec.',
    'A figure is reproduced when the difference is within its tolerance (see each spec\'s `reference`);',
    'inconclusive when the 95% interval of the mean crosses the edge of the tolerance (the seeds spread too widely to decide).',
    'Plausible: the published value lies inside the seeds\' 95% prediction interval for one new run.',
    'Wall time: from the reproduction\'s first trial to its verdict. A reproduction may be stopped and run again over several sittings',
    '(`modelspec reproduce` reuses every seed and search fold that finished, and resumes an unfinished seed or fold from its last checkpoint);',
    'its wall time is then the sum of its sittings, and says how many. Beside the date: the git commit of the code that produced the row.',
    '',
    '| spec | figure | published (source) | measured | verdict | plausible | seeds | epochs | wall time | engine | date | report |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of sorted) {
    const figs = r.figures.filter((f) => f.published !== null);
    const shown = figs.length ? figs : r.figures.slice(0, 1);
    shown.forEach((f, i) => {
      const published = f.published !== null ? `${fmt(f.published, f.metric)} (${(f.source ?? '').replace(/\|/g, '\\|')})` : '—';
      const measured = f.mean !== null ? `${fmt(f.mean, f.metric)} ± ${fmt(f.std ?? 0, f.metric)}` : '—';
      const verdict = f.decision === 'inconclusive' ? `❓ inconclusive (mean ${f.verdict === 'reproduced' ? 'within' : 'outside'} tolerance)` : (VERDICT[f.verdict] ?? f.verdict);
      const plausible = f.plausible == null ? '—' : f.plausible ? 'yes' : 'no';
      lines.push(
        `| ${i === 0 ? `**${r.spec}**` : ''} | ${f.metric} | ${published} | ${measured} | ${verdict}${i === 0 && r.note ? `: ${r.note.replace(/\|/g, '\\|').replace(/\n/g, ' ')}` : ''} | ${plausible} | ${i === 0 ? r.seeds.join(', ') : ''} | ${i === 0 ? r.epochs : ''} | ${i === 0 ? wall(r) : ''} | ${i === 0 ? r.engine : ''} | ${i === 0 ? dated(r) : ''} | ${i === 0 && r.report ? `[report](${r.report})` : ''} |`,
      );
    });
  }
  // a row that misses only where the seeds cannot decide is undecided, not refuted
  const misses = (r: TableRow) => r.figures.filter((f) => f.verdict === 'not-reproduced' && f.published !== null && f.mean !== null);
  const failed = sorted.filter((r) => r.verdict === 'not-reproduced');
  const undecided = failed.filter((r) => misses(r).length > 0 && misses(r).every((f) => f.decision === 'inconclusive'));
  const explained = (heading: string, list: TableRow[], note = '') => {
    if (!list.length) return;
    lines.push('', heading);
    for (const r of list) {
      const figures = misses(r).map((f) => `${f.metric} ${fmt(f.mean!, f.metric)} ± ${fmt(f.std ?? 0, f.metric)} measured against ${fmt(f.published!, f.metric)} published`);
      const why = explanations[r.spec]?.replace(/\s+/g, ' ').trim();
      lines.push('', `- **${r.spec}**: ${figures.join('; ')}${note}.${r.report ? ` [report](${r.report})` : ''}`);
      lines.push(why ? `  The spec's account of the published figures: ${why}` : '  The spec gives no account of its published figures.');
    }
  };
  explained('## Not reproduced, and why', failed.filter((r) => !undecided.includes(r)));
  explained('## Undecided, and why', undecided, ': the mean is outside the tolerance, but the seeds spread too widely to decide (see what the seeds say, below)');
  // the report's sentence, from the row's statistics, in the table's units
  const sentence = (f: TableRow['figures'][number]) =>
    f.statistics && f.tolerance != null ? statisticsSentence({ ...f, metric: f.metric as MetricKey, tolerance: f.tolerance, measured: { values: [] } }, { fmt: (v) => fmt(v, f.metric) }) : null;
  const said = sorted
    .map((r) => ({ r, lines: r.figures.map(sentence).filter((x): x is string => x !== null) }))
    .filter((x) => x.lines.length);
  if (said.length) {
    lines.push('', '## What the seeds say', '', 'For each published figure: whether the published run is a plausible draw from what the seeds measured, and whether the seeds are enough to decide the tolerance verdict.');
    for (const { r, lines: sentences } of said) {
      lines.push('', `- **${r.spec}**${r.report ? ` ([report](${r.report}))` : ''}`);
      for (const l of sentences) lines.push(`  - ${l}`);
    }
  }
  const missing = allSpecs.filter((s) => !rows.some((r) => r.spec === s));
  if (missing.length) lines.push('', `Not yet reproduced: ${missing.join(', ')}.`);
  return lines.join('\n') + '\n';
}
