import { mkdtemp, readdir, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confusionChart, curvesChart, figuresChart, sampleReproduction, type Reproduction } from '@modelspec/core';
import { renderReport } from './report.js';
import { chartToSvg } from './rasterize.js';
import { readReproduction, readRunSummary } from './read-run.js';

const EXPECTED = [
  'report.json',
  'report.md',
  'report.html',
  'figures.svg',
  'figures.png',
  'curves.svg',
  'curves.png',
  'confusion.svg',
  'confusion.png',
  'confusion-normalized.svg',
  'confusion-normalized.png',
  'predictions.svg',
  'predictions.png',
];

/** Standard deviation of the pixels' luminance: 0 for a blank image. */
function spread(png: PNG): number {
  let sum = 0;
  let sq = 0;
  const n = png.width * png.height;
  for (let i = 0; i < n; i++) {
    const v = 0.299 * png.data[i * 4]! + 0.587 * png.data[i * 4 + 1]! + 0.114 * png.data[i * 4 + 2]!;
    sum += v;
    sq += v * v;
  }
  return Math.sqrt(sq / n - (sum / n) ** 2);
}

describe('renderReport', () => {
  let dir: string;
  let files: string[];
  let ms: number;
  const repro = sampleReproduction({ pixels: true });
  const warnings: string[] = [];
  const read = (name: string) => readFile(join(dir, name), 'utf8');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelspec-report-'));
    const t0 = performance.now();
    ({ files } = await renderReport(repro, dir, { onWarning: (w) => warnings.push(w) }));
    ms = performance.now() - t0;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes every file, atomically (no temporary files left), in a few seconds', async () => {
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual([...EXPECTED].sort());
    expect((await readdir(dir)).sort()).toEqual([...EXPECTED].sort());
    expect(ms).toBeLessThan(10_000);
  });

  it('draws the charts without vega or vega-lite warnings', () => {
    expect(warnings).toEqual([]);
  });

  it.each(['figures', 'curves', 'confusion', 'confusion-normalized', 'predictions'])('%s.png decodes, has a plausible size and is not blank', async (name) => {
    const png = PNG.sync.read(await readFile(join(dir, `${name}.png`)));
    expect(png.width).toBeGreaterThan(300);
    expect(png.width).toBeLessThan(5000);
    expect(png.height).toBeGreaterThan(150);
    expect(png.height).toBeLessThan(5000);
    expect(spread(png)).toBeGreaterThan(10);
  });

  it('PNGs carry their text (a font was found)', async () => {
    // resvg silently draws no text when it finds no font; then title and axis labels vanish.
    // Near-black pixels come only from text here (cells are blue, grid lines grey): none means no font.
    const png = PNG.sync.read(await readFile(join(dir, 'confusion.png')));
    let dark = 0;
    for (let i = 0; i < png.width * png.height; i++) if (png.data[i * 4]! < 60 && png.data[i * 4 + 2]! < 60) dark++;
    expect(dark).toBeGreaterThan(1000);
  });

  it('the SVGs hold axis titles and class names', async () => {
    const curves = await read('curves.svg');
    for (const t of ['Epoch', 'Loss', 'Accuracy', 'train', 'validation', 'Training curves: sample-mlp']) expect(curves).toContain(t);
    for (const name of ['confusion.svg', 'confusion-normalized.svg']) {
      const svg = await read(name);
      for (const t of ['True class', 'Predicted class', 'T-shirt/top', 'Trouser', 'Pullover']) expect(svg).toContain(t);
    }
    expect(await read('confusion.svg')).toContain('>78<'); // mean of 80 and 75, rounded
    const figures = await read('figures.svg');
    // two seeds this far apart cannot back the tolerance verdicts
    expect(figures).toContain('Test accuracy: inconclusive (mean outside tolerance)');
    expect(figures).toContain('Test loss: inconclusive (mean within tolerance)');
    const grid = await read('predictions.svg');
    expect(grid).toContain('5 of 6 right');
    expect(grid.match(/<image /g)).toHaveLength(6);
    expect(grid).toContain('#c62828'); // the wrong one, in red
  });

  it('the HTML page is self-contained and embeds every plot', async () => {
    const html = await read('report.html');
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<script|<link|@import|url\(\s*["']?https?:/i);
    expect(html.match(/<img [^>]*src="data:image\/svg\+xml;base64,/g)).toHaveLength(5);
    expect(html).toContain('<h1>Sample MLP</h1>');
    for (const t of ['inconclusive', 'Test accuracy: inconclusive (mean outside tolerance)', 'What the seeds allow us to conclude', 'Published run plausible?', '0.8167 ± 0.0283', 'Classification report', 'Provenance', 'Environment', 'example/sample', '2 Jan 2026, 03:04 UTC']) {
      expect(html).toContain(t);
    }
  });

  it('the Markdown links the PNGs written beside it, and report.json parses', async () => {
    const md = await read('report.md');
    for (const f of ['figures.png', 'curves.png', 'confusion.png', 'confusion-normalized.png', 'predictions.png']) expect(md).toContain(`](${f})`);
    const json = JSON.parse(await read('report.json'));
    expect(json).toMatchObject({ format: 'modelspec-report', verdict: 'not-reproduced' });
    expect(json.aggregate.confusion).toEqual([[155, 13, 32], [5, 189, 6], [45, 9, 146]]);
  });

  it('leaves out what does not apply: no test set, no confusion or prediction plots', async () => {
    const out = await mkdtemp(join(tmpdir(), 'modelspec-report-'));
    try {
      const r: Reproduction = { ...repro, runs: repro.runs.map((x) => ({ ...x, test: null })) };
      const { files: written } = await renderReport(r, out);
      const names = written.map((f) => f.slice(out.length + 1));
      expect(names).not.toContain('confusion.png');
      expect(names).not.toContain('predictions.png');
      expect(names).toContain('curves.png');
      expect(await readFile(join(out, 'report.md'), 'utf8')).not.toContain('confusion.png');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('chart specs', () => {
  it.each([
    ['curves', curvesChart],
    ['confusion', confusionChart],
    ['figures', figuresChart],
  ] as const)('%s compiles and renders cleanly for a single seed too', async (_, chart) => {
    const r = sampleReproduction();
    r.runs = r.runs.slice(0, 1);
    const warnings: string[] = [];
    expect(await chartToSvg(chart(r)!, warnings)).toContain('<svg');
    expect(warnings).toEqual([]);
  });
});

describe('readRunSummary', () => {
  let dir: string;
  const repro = sampleReproduction({ pixels: true });
  const run = repro.runs[0]!;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelspec-run-'));
    // What RunRecorder writes, trimmed to the fields the reader uses.
    const json = (name: string, v: unknown) => writeFile(join(dir, name), JSON.stringify(v));
    await mkdir(dir, { recursive: true });
    await json('run.json', { status: 'completed', name: 'sample-mlp', seed: 1, engine: 'cpu', started: '2026-01-02T03:00:00.000Z', finished: '2026-01-02T03:00:20.000Z', stopReason: 'completed', weightsSha256: 'ab'.repeat(32) });
    await json('spec.resolved.json', repro.spec);
    await json('environment.json', { specFile: '/specs/sample-mlp.yaml', overrides: { seed: 1, 'training.epochs': 3 } });
    await json('metrics.json', { stopReason: 'completed', test: { loss: 0.45, accuracy: run.test!.report.accuracy, macroPrecision: 0.5, confusionDiagonal: [80, 95, 76], report: {} }, seconds: { train: 7.5 } });
    await json('confusion.json', { classNames: repro.classNames, rows: 'true class', columns: 'predicted class', matrix: run.test!.confusion });
    await json('predictions.json', { classNames: repro.classNames, predictions: run.test!.predictions });
    // A torn last line, as a run killed mid-append leaves.
    await writeFile(join(dir, 'history.jsonl'), run.history.map((h) => JSON.stringify(h)).join('\n') + '\n{"epoch":4,"tra');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a run folder back into the summary a live run gives', async () => {
    const s = await readRunSummary(dir);
    expect(s).toMatchObject({ location: dir, seed: 1, engine: 'cpu', stopReason: 'completed', trainSeconds: 7.5, weightsSha256: 'ab'.repeat(32) });
    expect(s.history).toEqual(run.history);
    expect(s.measured).toEqual(run.measured);
    expect(s.test!.confusion).toEqual(run.test!.confusion);
    expect(s.test!.report).toEqual(run.test!.report);
    expect(s.test!.predictions[0]!.pixels).toBe(run.test!.predictions[0]!.pixels);
  });

  it('builds a reproduction from run folders, with the epochs override as a condition', async () => {
    const r = await readReproduction([dir]);
    expect(r.specFile).toBe('/specs/sample-mlp.yaml');
    expect(r.classNames).toEqual(repro.classNames);
    expect(r.wallSeconds).toBe(20);
    expect(r.conditions).toEqual(['--epochs 3']);
    expect(r.figures.map((f) => [f.metric, f.verdict])).toEqual([
      ['testAccuracy', 'not-reproduced'],
      ['testLoss', 'not-reproduced'],
    ]);
  });

  it('says what is wrong with a folder that is not a run', async () => {
    await expect(readRunSummary(tmpdir())).rejects.toThrow(/no run\.json; is this a run folder\?/);
  });
});
