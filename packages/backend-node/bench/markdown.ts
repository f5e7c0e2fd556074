/** Small Markdown helpers for BENCHMARKS.md. */

export const table = (head: string[], rows: string[][]): string => {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const right = head.map((_, i) => i > 0 && rows.every((r) => /^[\d.,]+( |x|%|$)|^n\/a/.test(r[i] ?? '')));
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `| ${head.map((_, i) => (right[i] ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
};

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtSeconds = (s: number) => (s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`);
export const fmtMs = (s: number) => (s * 1000 >= 100 ? `${(s * 1000).toFixed(0)} ms` : `${(s * 1000).toFixed(1)} ms`);
export const fmtHours = (s: number) => `${(s / 3600).toFixed(2)} h`;
export const fmtDuration = (s: number) =>
  s < 60 ? `${s.toFixed(0)} s` : s < 3600 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
