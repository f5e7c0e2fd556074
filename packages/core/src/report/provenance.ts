import { formatDate, formatFigure, METRIC_LABELS } from './format.js';
import { overallDecision } from './format.js';
import type { Reproduction, ReproductionSearch } from './types.js';

/**
 * The report's "Versions" rows: what produced it, so two reports' conditions can
 * be told apart. Reports written before the environment was recorded say so.
 */
export function environmentRows(r: Reproduction): [string, string][] {
  const env = r.environment;
  const rows: [string, string][] = [['Date', formatDate(r.date)]];
  if (!env) return [...rows, ['Engine', r.engine || '–'], ['Versions', 'not recorded (a report from before modelspec recorded them)']];
  rows.push(
    ['modelspec', env.modelspec],
    ['Git commit', env.gitCommit],
    ['TensorFlow.js', env.tfjs ?? '–'],
    ['Node.js', env.node ?? '–'],
    ...(env.plugins?.length ? [['Plugins', env.plugins.join(', ')] as [string, string]] : []),
    ...env.engines.map((e): [string, string] => [`Engine ${e.name}`, e.detail ?? '–']),
    ['CPU', env.cpu ?? '–'],
    ['OS', env.os ?? '–'],
    ...Object.entries(env.datasets).map(([file, sha]): [string, string] => [`Dataset ${file}`, `SHA-256 ${sha}`]),
  );
  return rows;
}

/** Why the seeds are the ones they are (more than asked for, or the cap that stopped them). */
export function seedPlanSentence(r: Reproduction): string | null {
  const p = r.seedPlan;
  if (!p) return null;
  const open = r.figures.filter((f) => f.statistics?.decision === 'inconclusive').map((f) => METRIC_LABELS[f.metric].toLowerCase());
  const asked = `${p.requested.length} seed${p.requested.length === 1 ? ' was' : 's were'} asked for (${p.requested.join(', ')})`;
  if (!p.added.length) {
    if (!open.length) return null;
    const why = (r.conditions ?? []).length ? 'a reduced run adds seeds only when --max-seeds asks' : `the cap is ${p.maxSeeds} (reproduce.maxSeeds or --max-seeds)`;
    return `${asked}; no more were run, as ${why}, so ${open.join(', ')} stay${open.length === 1 ? 's' : ''} inconclusive.`;
  }
  const added = `${p.added.length} more (${p.added.join(', ')}) ran because a figure was inconclusive`;
  if (overallDecision(r) !== 'inconclusive') return `${asked}; ${added}, which settled it.`;
  return `${asked}; ${added}, up to the cap of ${p.maxSeeds} seeds (reproduce.maxSeeds or --max-seeds), and ${open.join(', ')} ${open.length === 1 ? 'is' : 'are'} still inconclusive: modelspec gave up there.`;
}

const value = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)).toString() : String(v));

/** The search's cv_results_ as Markdown lines: what was searched, the winner, every candidate ranked. */
export function searchLines(s: ReproductionSearch): string[] {
  const keys = Object.keys(s.results[0]?.params ?? {});
  const head = ['Rank', `Mean ${s.scoreBy}`, 'Std', 'Fit s', ...keys.map((k) => `\`${k}\``), 'Fold scores'];
  const rows = [...s.results]
    .sort((a, b) => a.rank - b.rank)
    .map((c) => [String(c.rank), formatFigure(c.mean), formatFigure(c.std), c.fitSeconds.toFixed(1), ...keys.map((k) => value(c.params[k])), c.foldScores.map((x) => formatFigure(x)).join(' ')]);
  return [
    `The model the seeds ran was chosen by the spec's search: ${s.candidates} candidates (sampled with search seed ${s.seed}) × ${s.folds}-fold stratified cross-validation, ranked by ${s.scoreBy}, run once; the winner, ${keys.map((k) => `\`${k}\` = ${value(s.best[k])}`).join(', ')} (mean ${s.scoreBy} ${formatFigure(s.bestMean)} ± ${formatFigure(s.bestStd)}), was then refit on the whole training set under each seed.`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 || (i > 0 && i < 4) ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}
