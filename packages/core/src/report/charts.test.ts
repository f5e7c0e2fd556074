import { describe, expect, it } from 'vitest';
import { confusionChart, curvesChart, figuresChart } from './charts.js';
import { sampleReproduction } from './sample.js';
import type { Reproduction } from './types.js';

type Row = Record<string, unknown>;
const rowsOf = (spec: Record<string, unknown> | null) => (spec!['data'] as { values: Row[] }).values;

describe('curvesChart', () => {
  const repro = sampleReproduction();
  const spec = curvesChart(repro)!;
  const rows = rowsOf(spec);

  it('has a loss panel and an accuracy panel with titled axes', () => {
    const panels = spec['hconcat'] as { title: string; layer: { encoding: { x: { title: string }; y: { title: string } } }[] }[];
    expect(panels.map((p) => p.title)).toEqual(['Loss', 'Accuracy']);
    expect(panels.map((p) => p.layer[0]!.encoding.y.title)).toEqual(['Loss', 'Accuracy']);
    expect(panels[0]!.layer[0]!.encoding.x.title).toBe('Epoch');
  });

  it('draws every seed and the mean over seeds', () => {
    const seedRows = rows.filter((r) => r['series'] === 'seed');
    // 2 seeds x 3 epochs x {loss, accuracy} x {train, validation}
    expect(seedRows).toHaveLength(24);
    expect(new Set(seedRows.map((r) => r['seed']))).toEqual(new Set([1, 2]));
  });

  it("plots as the mean line the mean of the seeds' values", () => {
    const mean = (metric: string, split: string, epoch: number) =>
      rows.find((r) => r['series'] === 'mean' && r['metric'] === metric && r['split'] === split && r['epoch'] === epoch)!['value'] as number;
    // Seed 1 and seed 2 of sampleReproduction.
    expect(mean('loss', 'train', 1)).toBeCloseTo((0.9 + 1.0) / 2, 12);
    expect(mean('accuracy', 'train', 3)).toBeCloseTo((0.8 + 0.76) / 2, 12);
    expect(mean('loss', 'validation', 2)).toBeCloseTo((0.65 + 0.7) / 2, 12);
    expect(mean('accuracy', 'validation', 3)).toBeCloseTo((0.78 + 0.74) / 2, 12);
    for (const r of rows.filter((x) => x['series'] === 'mean')) {
      const seeds = rows.filter((x) => x['series'] === 'seed' && x['metric'] === r['metric'] && x['split'] === r['split'] && x['epoch'] === r['epoch']);
      expect(r['value']).toBeCloseTo(seeds.reduce((a, x) => a + (x['value'] as number), 0) / seeds.length, 12);
      expect(r['n']).toBe(2);
    }
  });

  it('draws the mean thick and the seeds thin', () => {
    const layers = (spec['hconcat'] as { layer: { mark: { strokeWidth: number }; transform: { filter: { equal: string } }[] }[] }[])[0]!.layer;
    const width = (series: string) => layers.find((l) => l.transform[0]!.filter.equal === series)!.mark.strokeWidth;
    expect(width('mean')).toBeGreaterThan(width('seed'));
  });

  it('averages only the seeds that reached an epoch when one stopped early', () => {
    const r = sampleReproduction();
    r.runs[1]!.history = r.runs[1]!.history.slice(0, 2);
    const last = rowsOf(curvesChart(r)).find((x) => x['series'] === 'mean' && x['metric'] === 'loss' && x['split'] === 'train' && x['epoch'] === 3)!;
    expect(last['value']).toBe(0.5);
    expect(last['n']).toBe(1);
  });

  it('marks a published last-epoch figure on its curve', () => {
    const r: Reproduction = { ...sampleReproduction() };
    r.figures = [...r.figures, { metric: 'valAccuracy', published: 0.77, source: 'x', note: '', tolerance: 0.01, measured: null, difference: null, verdict: 'not-measured' }];
    const pub = rowsOf(curvesChart(r)).filter((x) => x['series'] === 'published');
    expect(pub).toEqual([expect.objectContaining({ metric: 'accuracy', split: 'validation', epoch: 3, value: 0.77 })]);
  });

  it('with one seed, draws no separate seed lines', () => {
    const r = sampleReproduction();
    r.runs = r.runs.slice(0, 1);
    expect(rowsOf(curvesChart(r)).some((x) => x['series'] === 'seed')).toBe(false);
  });
});

describe('confusionChart', () => {
  const repro = sampleReproduction();

  it('shows mean counts per seed, true class in rows, class names on both axes', () => {
    const spec = confusionChart(repro)!;
    const enc = spec['encoding'] as { x: { field: string; sort: string[]; title: string }; y: { field: string; sort: string[]; title: string } };
    expect(enc.y).toMatchObject({ field: 'true', title: 'True class', sort: ['T-shirt/top', 'Trouser', 'Pullover'] });
    expect(enc.x).toMatchObject({ field: 'predicted', title: 'Predicted class', sort: ['T-shirt/top', 'Trouser', 'Pullover'] });
    const cell = (t: string, p: string) => rowsOf(spec).find((r) => r['true'] === t && r['predicted'] === p)!;
    // seeds: 80 and 75 -> 77.5; 15 and 17 -> 16
    expect(cell('T-shirt/top', 'T-shirt/top')).toMatchObject({ count: 77.5, label: '78' });
    expect(cell('T-shirt/top', 'Pullover')).toMatchObject({ count: 16, label: '16' });
    expect(cell('Trouser', 'T-shirt/top')).toMatchObject({ count: 2.5, label: '2.5' });
    const layers = spec['layer'] as { mark: { type: string } }[];
    expect(layers.map((l) => l.mark.type)).toEqual(['rect', 'text']);
  });

  it('row-normalized: each true class sums to 1 and is labelled in percent', () => {
    const rows = rowsOf(confusionChart(repro, { normalized: true }));
    for (const t of repro.classNames) {
      const sum = rows.filter((r) => r['true'] === t).reduce((a, r) => a + (r['share'] as number), 0);
      expect(sum).toBeCloseTo(1, 12);
    }
    // Trouser row summed over seeds: 5, 189, 6 of 200
    expect(rows.find((r) => r['true'] === 'Trouser' && r['predicted'] === 'Trouser')).toMatchObject({ share: 189 / 200, label: '95%' });
    expect(rows.find((r) => r['true'] === 'Trouser' && r['predicted'] === 'Pullover')).toMatchObject({ label: '3.0%' });
  });

  it('is null without test results', () => {
    const r = sampleReproduction();
    r.runs = r.runs.map((x) => ({ ...x, test: null }));
    expect(confusionChart(r)).toBeNull();
  });
});

describe('figuresChart', () => {
  const spec = figuresChart(sampleReproduction())!;
  const panels = spec['vconcat'] as { title: { text: string; subtitle: string }; data: { values: Row[] } }[];

  it('has one strip per figure, titled with the verdict in words', () => {
    // two seeds this far apart cannot back either tolerance verdict
    expect(panels.map((p) => p.title.text)).toEqual(['Test accuracy: inconclusive (mean outside tolerance)', 'Test loss: inconclusive (mean within tolerance)']);
    expect(panels[0]!.title.subtitle).toContain('published 0.8000');
    expect(panels[0]!.title.subtitle).toContain('measured 0.8167 ± 0.0283 (2 seeds)');
    expect(panels[0]!.title.subtitle).toContain('difference +0.0167');
    expect(panels[0]!.title.subtitle).toContain('tolerance ±0.0100');
  });

  it('plots every seed, the mean ± std, the published value and its tolerance band', () => {
    const rows = panels[1]!.data.values;
    expect(rows.filter((r) => r['kind'] === 'each seed').map((r) => r['value'])).toEqual([0.45, 0.52]);
    const mean = rows.find((r) => r['kind'] === 'mean ± std')!;
    expect(mean['value']).toBeCloseTo(0.485, 12);
    expect((mean['hi'] as number) - (mean['lo'] as number)).toBeCloseTo(2 * Math.sqrt(((0.45 - 0.485) ** 2 + (0.52 - 0.485) ** 2) / 1), 12);
    expect(rows.find((r) => r['kind'] === 'published')!['value']).toBe(0.49);
    const band = rows.find((r) => r['kind'] === 'tolerance')!;
    expect(band['lo']).toBeCloseTo(0.46, 12);
    expect(band['hi']).toBeCloseTo(0.52, 12);
  });
});
