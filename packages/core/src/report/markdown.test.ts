import { describe, expect, it } from 'vitest';
import { reproductionMarkdown } from './markdown.js';
import { reproductionJson } from './json.js';
import { sampleReproduction } from './sample.js';
import { aggregateConfusion } from './aggregate.js';
import { explainFigure, formatDifference } from './format.js';
import { figureStatistics } from './stats.js';

describe('reproductionMarkdown', () => {
  const repro = sampleReproduction({ pixels: true });
  const md = reproductionMarkdown(repro);
  const section = (title: string) => {
    const start = md.indexOf(`\n## ${title}\n`);
    expect(start, `section ${title}`).toBeGreaterThan(-1);
    const end = md.indexOf('\n## ', start + 1);
    return md.slice(start, end === -1 ? undefined : end);
  };

  it('opens with the title and the overall verdict in words', () => {
    expect(md.startsWith('# Sample MLP (`sample-mlp`)\n')).toBe(true);
    expect(md).toContain('**Verdict: inconclusive.** Inconclusive: the 2 seeds spread too widely for the tolerance to decide 2 of 2 published figures (test accuracy, test loss).');
  });

  it('keeps the tolerance verdict where the seeds back it, and never says "all 1"', () => {
    const tight = sampleReproduction();
    const f = tight.figures[0]!;
    tight.figures = [{ ...f, measured: { mean: 0.8167, std: 0.0001, values: [0.8166, 0.8168] }, statistics: figureStatistics([0.8166, 0.8168], 0.8, 0.01) }];
    tight.verdict = 'not-reproduced';
    const text = reproductionMarkdown(tight);
    expect(text).toContain('**Verdict: NOT reproduced.** NOT reproduced: the one published figure falls outside tolerance (test accuracy; mean over 2 seeds).');
    expect(text).toContain('| ❌ NOT reproduced | no |');
    expect(text).toContain('lies outside the 95% prediction interval for one new run');
    tight.verdict = 'reproduced';
    tight.figures = [{ ...f, measured: { mean: 0.8, std: 0.0001, values: [0.7999, 0.8001] }, difference: 0, verdict: 'reproduced', statistics: figureStatistics([0.7999, 0.8001], 0.8, 0.01) }];
    expect(reproductionMarkdown(tight)).toContain('Reproduced: the one published figure is within tolerance');
  });

  it('shows no failing verdict for a reduced run', () => {
    const reduced = { ...sampleReproduction(), conditions: ['--limit 300'] };
    const text = reproductionMarkdown(reduced);
    expect(text).toContain('**Verdict: reduced run, no verdict on the published setup.**');
    expect(text).not.toContain('❌');
    expect(text).toContain('inconclusive (reduced run)');
  });

  it('ends with the versions that produced it, dates in words', () => {
    const text = reproductionMarkdown({
      ...sampleReproduction(),
      environment: { modelspec: '0.1.0', tfjs: '4.22.0', node: 'v22.1.0', engines: [{ name: 'native', detail: 'OpenBLAS (Haswell)' }], cpu: 'Xeon', os: 'linux 6.1 x64', datasets: { 'train-images.gz': 'abc' }, gitCommit: '0123abc' },
    });
    const s = text.slice(text.indexOf('## Versions'));
    for (const x of ['| modelspec | 0.1.0 |', '| Git commit | 0123abc |', '| TensorFlow.js | 4.22.0 |', '| Engine native | OpenBLAS (Haswell) |', '| Dataset train-images.gz | SHA-256 abc |']) expect(s).toContain(x);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
  });

  it('gives every figure its published value, mean ± std over seeds, difference, tolerance and verdict', () => {
    const s = section('Published vs measured');
    expect(s).toContain('| Test accuracy | 0.8000 | 0.8167 ± 0.0283 | 2 | +0.0167 | ±0.0100 | ❓ inconclusive (mean outside tolerance) | yes | notebook cell 12 |');
    expect(s).toContain('| Test loss | 0.4900 | 0.4850 ± 0.0495 | 2 | \u22120.0050 | ±0.0300 | ❓ inconclusive (mean within tolerance) | yes | notebook cell 12 |');
    expect(s).toContain('the seeds spread too widely for the tolerance to decide (inconclusive); at this spread about 72 seeds would decide it.');
  });

  it('says by how much a figure missed, and includes figure and reference notes', () => {
    const s = section('Published vs measured');
    expect(s).toContain('Test accuracy: the mean of 2 seeds, 0.8167 ± 0.0283, is 0.0167 (1.67 percentage points) above the published 0.8000, 0.0067 beyond the tolerance of 0.0100.');
    expect(s).toContain('The published value lies inside the range of the seeds (0.7967 to 0.8367); 1 of 2 seeds is within tolerance on their own.');
    expect(s).toContain('Note: Read off a plot.');
    expect(s).toContain('> One unseeded run.');
  });

  it('records provenance', () => {
    const s = section('Source');
    expect(s).toContain('- Project: [example/sample](https://example.org/sample)');
    expect(s).toContain('- Figures read from: sample.ipynb');
    expect(s).toContain('- License: MIT');
    expect(s).toContain('`specs/sample-mlp.yaml`');
    expect(s).toContain('> Numbers invented for tests.');
  });

  it('has a row per seed', () => {
    const s = section('Runs');
    expect(s).toContain('2 seeds (1, 2) on cpu');
    expect(s).toMatch(/\| 1 \| cpu \| 3 \| completed \| 3\.3 s \| 0\.8367 \| 0\.4500 \| `111111111111` \|/);
    expect(s).toMatch(/\| 2 \| cpu \| 3 \| completed \| 3\.3 s \| 0\.7967 \| 0\.5200 \| `222222222222` \|/);
  });

  it('reports per-class metrics of the summed confusion matrix, and the largest confusions', () => {
    const s = section('Test set');
    // T-shirt/top summed: tp 155, predicted 155+5+45=205, true 200
    expect(s).toContain(`| T-shirt/top | ${(155 / 205).toFixed(4)} | ${(155 / 200).toFixed(4)} | ${((2 * 155) / 405).toFixed(4)} | 200 |`);
    expect(s).toContain(`| **accuracy** |  |  | ${(490 / 600).toFixed(4)} | 600 |`);
    expect(s).toMatch(/\| \*\*macro avg\*\* \| 0\.\d{4} \| 0\.\d{4} \| 0\.\d{4} \| 600 \|/);
    expect(s).toMatch(/\| \*\*weighted avg\*\* \|/);
    expect(s).toContain('1. Pullover predicted as T-shirt/top: 22.5 per seed (22.5% of Pullover)');
    // published diagonal against measured
    expect(s).toContain('| T-shirt/top | 80 | 77.5 | \u22122.5 |');
  });

  it('links the plots by relative path, and leaves out the ones not drawn', () => {
    for (const f of ['figures.png', 'curves.png', 'confusion.png', 'confusion-normalized.png', 'predictions.png']) expect(md).toContain(`](${f})`);
    const without = reproductionMarkdown(repro, { images: { predictions: null, curves: 'plots/c.png' } });
    expect(without).not.toContain('predictions.png');
    expect(without).toContain('![Training curves](plots/c.png)');
  });

  it('warns first thing when the runs were reduced', () => {
    const md2 = reproductionMarkdown({ ...repro, conditions: ['--limit 1000', '--epochs 2'] });
    expect(md2).toContain('> **Reduced run:** these runs departed from the published setup (`--limit 1000`, `--epochs 2`)');
    expect(md2.indexOf('Reduced run')).toBeLessThan(md2.indexOf('## Published vs measured'));
  });

  it('says so when nothing was evaluated on a test set', () => {
    const md2 = reproductionMarkdown({ ...repro, runs: repro.runs.map((r) => ({ ...r, test: null })) });
    expect(md2).toContain('No run was evaluated on a test set.');
    expect(md2).not.toContain('## Test set');
  });
});

describe('aggregateConfusion and the JSON report', () => {
  const repro = sampleReproduction({ pixels: true });

  it('sums the seeds', () => {
    const agg = aggregateConfusion(repro)!;
    expect(agg.seeds).toBe(2);
    expect(agg.confusion).toEqual([[155, 13, 32], [5, 189, 6], [45, 9, 146]]);
    expect(agg.report.accuracy).toBeCloseTo(490 / 600, 12);
  });

  it('rejects seeds evaluated on different class counts', () => {
    const r = sampleReproduction();
    r.runs[1]!.test!.confusion = [[1, 0], [0, 1]];
    expect(() => aggregateConfusion(r)).toThrow(/seed 2 has a 2x2 confusion matrix, expected 3x3/);
  });

  it('keeps everything but pixels and probabilities, and adds the aggregate', () => {
    const json = reproductionJson(repro);
    expect(json).toMatchObject({ format: 'modelspec-report', formatVersion: 1, verdict: 'not-reproduced', classNames: repro.classNames });
    expect(json.figures).toEqual(repro.figures);
    expect(json.aggregate!.confusion[0]).toEqual([155, 13, 32]);
    expect(json.runs[0]!.test!.predictions[0]).toEqual({ index: 0, label: 0, predicted: 0, confidence: 0.8 });
    const text = JSON.stringify(json);
    expect(text).not.toContain('pixels');
    expect(text).not.toContain('probabilities');
    expect(JSON.parse(text)).toEqual(json);
  });
});

describe('formatting', () => {
  it('signs differences with a real minus', () => {
    expect(formatDifference(0.01234)).toBe('+0.0123');
    expect(formatDifference(-0.01234)).toBe('\u22120.0123');
    expect(formatDifference(0)).toBe('±0.0000');
    expect(formatDifference(null)).toBe('–');
  });

  it('explains a reproduced figure and one never measured', () => {
    const [acc, loss] = sampleReproduction().figures;
    expect(explainFigure(loss!)).toMatch(/^Test loss: the mean of 2 seeds, 0\.4850 ± 0\.0495, is 0\.0050 below the published 0\.4900, within the tolerance of 0\.0300\./);
    expect(explainFigure({ ...acc!, measured: null, difference: null, verdict: 'not-measured' })).toBe('Test accuracy: published 0.8000, but no run measured it.');
  });
});
