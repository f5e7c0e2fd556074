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

  it('lists a spec whose misses the seeds cannot decide as undecided, not as not reproduced', () => {
    const wide = { ...acc(0.2042, 0.2402, 'not-reproduced'), decision: 'inconclusive' } as TableRow['figures'][number];
    const md = renderReproductionsTable([row('wide', 'not-reproduced', [wide]), rows[2]!], ['silent', 'wide'], { wide: 'Seeds spread.' });
    const [refuted, undecided] = md.split('## Undecided, and why');
    expect(refuted!.slice(refuted!.indexOf('## Not reproduced, and why'))).toContain('**silent**');
    expect(refuted).not.toContain('- **wide**');
    expect(undecided).toContain('- **wide**: testAccuracy 24.02% ± 1.00% measured against 20.42% published: the mean is outside the tolerance, but the seeds spread too widely to decide (see what the seeds say, below). [report](reports/wide/report.md)\n  The spec\'s account of the published figures: Seeds spread.');
    expect(undecided).not.toContain('silent');
  });

  it('has no such section when everything is reproduced', () => {
    expect(renderReproductionsTable(rows.slice(0, 1), ['good'])).not.toContain('Not reproduced, and why');
  });
});

describe('a row\'s wall time and provenance', () => {
  const base = row('x', 'reproduced', [acc(0.88, 0.885, 'reproduced')]);
  const line = (r: TableRow) => renderReproductionsTable([r], ['x']).split('\n').find((l) => l.startsWith('| **x**'))!;

  it('shows one sitting as a plain duration, and several as their sum with their count', () => {
    expect(line(base)).toContain('| 2 min | native | 2026-11-22 |');
    expect(line({ ...base, wallSeconds: 5 * 3600, sittings: 3 })).toContain('| 5.0 h (3 sittings) | native |');
  });

  it('names the commit that produced the row beside its date, and a working tree with changes', () => {
    const sha = '6c6cd39f0e8d2b1a4c5e7f9a0b1c2d3e4f5a6b7c';
    expect(line({ ...base, commit: sha })).toContain('| 2026-11-22, 6c6cd39 |');
    expect(line({ ...base, commit: `${sha} + uncommitted changes` })).toContain('| 2026-11-22, 6c6cd39 + changes |');
    expect(line({ ...base, commit: 'unknown' })).toContain('| 2026-11-22, unknown |');
  });
});

describe('what the seeds say', () => {
  it('lists, under the table, each figure\'s sentence on what the seeds allow us to conclude, in the table\'s units, for the rows that have statistics', () => {
    const statistics = { seeds: 5, confidence: 0.95, predictionInterval: [0.107, 0.3734] as [number, number], publishedInPredictionInterval: true, meanInterval: [0.1858, 0.2946] as [number, number], decision: 'inconclusive' as const, seedsToDecide: 14 };
    const rows = [row('kept', 'not-reproduced', [{ ...acc(0.2042, 0.2402, 'not-reproduced'), tolerance: 0.01, statistics }]), row('old', 'reproduced', [acc(0.88, 0.885, 'reproduced')])];
    const md = renderReproductionsTable(rows, ['kept', 'old']);
    const tail = md.slice(md.indexOf('## What the seeds say'));
    expect(tail).toContain(
      '- **kept** ([report](reports/kept/report.md))\n  - Test accuracy: over 5 seeds, the published 20.42% lies inside the 95% prediction interval for one new run (10.70% to 37.34%), so it is a plausible single run of this spec; ' +
        'the 95% interval of the mean (18.58% to 29.46%) crosses the edge of published ± tolerance (19.42% to 21.42%): the seeds spread too widely for the tolerance to decide (inconclusive); at this spread about 14 seeds would decide it.',
    );
    expect(tail).not.toContain('**old**'); // a row written before the statistics were kept
    expect(renderReproductionsTable(rows.slice(1), ['old'])).not.toContain('## What the seeds say');
  });
});
