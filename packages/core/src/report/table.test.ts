import { describe, expect, it } from 'vitest';
import { renderReproductionsTable, type TableRow } from './table.js';

const row = (spec: string, verdict: string, figures: TableRow['figures']): TableRow => ({
  spec, title: spec, source: 'p', figures, verdict, seeds: [1, 2, 3], epochs: 5, wallSeconds: 90, engine: 'native', date: '2026-11-22',
  report: `reports/${spec}/report.md`,
});
const acc = (published: number, mean: number, verdict: string) => ({ metric: 'testAccuracy', published, source: 'notebook', mean, std: 0.01, verdict });

describe('renderReproductionsTable', () => {
  const rows = [
    row('good', 'reproduced', [acc(0.88, 0.885, 'reproduced')]),
    row('bad', 'not-reproduced', [acc(0.2042, 0.2724, 'not-reproduced'), { metric: 'testLoss', published: 10.56, source: 'notebook', mean: 10.56, std: 1, verdict: 'reproduced' }]),
    row('silent', 'not-reproduced', [acc(0.9, 0.8, 'not-reproduced')]),
  ];

  it('lists every spec that is not reproduced under the table, with its figures and the spec\'s own account', () => {
    const md = renderReproductionsTable(rows, ['bad', 'good', 'missing', 'silent'], { bad: 'The output\n  is linear.', good: 'fine' });
    const tail = md.slice(md.indexOf('## Not reproduced, and why'));
    expect(tail).toContain('- **bad**: testAccuracy 27.24% ± 1.00% measured against 20.42% published. [report](reports/bad/report.md)\n  The spec\'s account of the published figures: The output is linear.');
    expect(tail).toContain('- **silent**: testAccuracy 80.00% ± 1.00% measured against 90.00% published.');
    expect(tail).toContain('The spec gives no account of its published figures.');
    expect(tail).not.toContain('good');
    expect(tail).not.toContain('testLoss'); // reproduced figures are not listed as misses
    expect(md).toContain('Not yet reproduced: missing.');
    expect(md.indexOf('**bad**')).toBeLessThan(md.indexOf('**good**')); // rows sorted by spec
  });

  it('has no such section when everything is reproduced', () => {
    expect(renderReproductionsTable(rows.slice(0, 1), ['good'])).not.toContain('Not reproduced, and why');
  });
});
