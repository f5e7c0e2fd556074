import type { Issue } from './errors.js';

/** `model.layers.3.units` → `model.layers[3].units` */
export const displayPath = (path: string) => path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');

/**
 * The one place issues become text:
 *   specs/mlp.yaml:12:11 error model.layers[3].type: unknown type "dnse" (did you mean "dense"?)
 */
export function formatIssue(i: Issue, fallbackFile?: string): string {
  const where = i.loc ? `${i.loc.file}:${i.loc.line}:${i.loc.col}` : fallbackFile ?? '';
  const head = [where, i.severity, i.path ? displayPath(i.path) + ':' : ''].filter(Boolean).join(' ');
  const lines = [`${head} ${i.message}${i.hint ? ` (${i.hint})` : ''}`];
  // `expected` adds a line only when the message does not already say it (lists of valid names, mostly).
  if (i.expected && !i.message.includes(i.expected) && i.expected.length < 400) lines.push(`    expected: ${i.expected}`);
  return lines.join('\n');
}

export function sortIssues(issues: Issue[]): Issue[] {
  return [...issues].sort((a, b) => (a.loc?.line ?? 0) - (b.loc?.line ?? 0) || (a.loc?.col ?? 0) - (b.loc?.col ?? 0) || a.path.localeCompare(b.path));
}

export function formatIssues(issues: Issue[], fallbackFile?: string): string {
  return sortIssues(issues)
    .map((i) => formatIssue(i, fallbackFile))
    .join('\n');
}
