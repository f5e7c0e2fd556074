import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FASHION, modelspec, root, tempDirs } from './test-support/cli.js';

const tmp = tempDirs('cli');

describe('modelspec validate / summary / schema', () => {
  it('accepts every spec in specs/', () => {
    const r = modelspec(['validate', join(root, 'specs')], root);
    const n = readdirSync(join(root, 'specs')).filter((f) => f.endsWith('.yaml')).length;
    expect(r.err).toContain(`${n} valid, 0 invalid`);
    expect(r.code).toBe(0);
  });

  it('points at the misspelled layer type with file:line:col and suggests the intended name', () => {
    const dir = tmp();
    const text = readFileSync(join(root, 'specs/e-shallow.yaml'), 'utf8').replace('type: dense\n      units: 128', 'type: dnese\n      units: 128');
    writeFileSync(join(dir, 'typo.yaml'), text);
    const line = text.split('\n').findIndex((l) => l.includes('dnese')) + 1;
    const col = text.split('\n')[line - 1]!.indexOf('dnese') + 1;
    const r = modelspec(['validate', 'typo.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`typo.yaml:${line}:${col} error model.layers[2].type: unknown type "dnese" (did you mean "dense"?)`);
  });

  it('summary --json gives the published parameter count', () => {
    const r = modelspec(['summary', 'specs/e-additional-layers.yaml', '--json'], root);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.totalParameters).toBe(244_164);
    expect(j.nonTrainableParameters).toBe(62);
  });

  it('schema prints the checked-in JSON Schema', () => {
    const r = modelspec(['schema'], root);
    expect(JSON.parse(r.out)).toEqual(JSON.parse(readFileSync(join(root, 'packages/core/schema/modelspec.schema.json'), 'utf8')));
  });

  it('usage errors exit with 2', () => {
    expect(modelspec(['train'], root).code).toBe(2);
    expect(modelspec(['train', 'specs/e-shallow.yaml', '--epochs', 'zero'], root).code).toBe(2);
  });
});

describe.runIf(existsSync(FASHION))('modelspec train → evaluate → predict on Fashion-MNIST', () => {
  const out = tmp();
  let runDir = '';

  it('trains a quick run and records it', () => {
    const r = modelspec(['train', join(root, 'specs/e-shallow.yaml'), '--limit', '600', '--test-limit', '500', '--epochs', '2', '--seed', '3', '--out', out], root);
    expect(r.code, r.err).toBe(0);
    const runs = readdirSync(out);
    expect(runs).toHaveLength(1);
    runDir = join(out, runs[0]!);
    for (const f of ['run.json', 'spec.resolved.json', 'environment.json', 'history.jsonl', 'history.csv', 'metrics.json', 'confusion.json', 'classification-report.txt', 'model/model.json', 'model/weights.bin']) {
      expect(existsSync(join(runDir, f)), f).toBe(true);
    }
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    expect(run.status).toBe('completed');
    const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8'));
    expect(metrics.epochs).toBe(2);
    expect(metrics.test.accuracy).toBeGreaterThan(0.5);
    expect(readFileSync(join(runDir, 'history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    const env = JSON.parse(readFileSync(join(runDir, 'environment.json'), 'utf8'));
    expect(env.dataset.files.trainImages.sha256).toBe('c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888');
  });

  it('evaluate reproduces the run’s test metrics from the saved model', () => {
    const r = modelspec(['evaluate', runDir, '--test-limit', '500', '--json'], root);
    expect(r.code, r.err).toBe(0);
    const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8'));
    const ev = JSON.parse(r.out);
    expect(ev.test.accuracy).toBe(metrics.test.accuracy);
    expect(ev.test.loss).toBeCloseTo(metrics.test.loss, 5);
  });

  it('predict names a class for IDX images, agreeing with the recorded predictions', () => {
    const r = modelspec(['predict', runDir, join(FASHION, 't10k-images-idx3-ubyte.gz'), '--count', '3', '--json'], root);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    const recorded = JSON.parse(readFileSync(join(runDir, 'predictions.json'), 'utf8'));
    expect(j.results.map((x: { predictedId: number }) => x.predictedId)).toEqual(recorded.predictions.slice(0, 3).map((p: { predicted: number }) => p.predicted));
  });

  it('the same seed gives the same weights; a new run never reuses a folder', () => {
    const r = modelspec(['train', join(root, 'specs/e-shallow.yaml'), '--limit', '600', '--test-limit', '500', '--epochs', '2', '--seed', '3', '--out', out], root);
    expect(r.code, r.err).toBe(0);
    const runs = readdirSync(out).filter((n) => !n.startsWith('.'));
    expect(runs).toHaveLength(2);
    const [a, b] = runs.map((d) => JSON.parse(readFileSync(join(out, d, 'run.json'), 'utf8')).weightsSha256);
    expect(a).toBe(b);
  });

  it('refuses a corrupt dataset file, naming it, and leaves no run folder', () => {
    const data = tmp();
    const runs = tmp();
    for (const f of readdirSync(FASHION)) copyFileSync(join(FASHION, f), join(data, f));
    // Truncate the test labels: 9,000 labels for 10,000 images.
    const labels = gunzipSync(readFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz')));
    writeFileSync(join(data, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels.subarray(0, 9008)));
    const r = modelspec(['train', join(root, 'specs/e-shallow.yaml'), '--limit', '100', '--epochs', '1', '--set', `data.dataset.dir=${data}`, '--out', runs], root);
    expect(r.code).toBe(1);
    expect(r.err).toContain('t10k-labels-idx1-ubyte');
    expect(readdirSync(runs)).toEqual([]);
  });
});

describe.runIf(existsSync(FASHION))('modelspec reproduce and search, small and end to end', () => {
  it('reproduces a spec under two seeds, compares with the published figures and writes a report', () => {
    const out = tmp();
    const reports = tmp();
    const r = modelspec(['reproduce', join(root, 'specs/e-shallow.yaml'), '--seeds', '1,2', '--limit', '400', '--test-limit', '300', '--epochs', '1', '--out', out, '--reports', reports, '--json'], root);
    expect(r.code, r.err).toBe(0);
    const [rep] = JSON.parse(r.out);
    expect(rep.runs.map((x: { seed: number }) => x.seed)).toEqual([1, 2]);
    expect(rep.conditions).toEqual(['--limit 400', '--test-limit 300', '--epochs 1']);
    const acc = rep.figures.find((f: { metric: string }) => f.metric === 'testAccuracy');
    expect(acc.published).toBe(0.8866);
    expect(acc.measured.values).toHaveLength(2);
    expect(acc.measured.mean).toBeCloseTo((acc.measured.values[0] + acc.measured.values[1]) / 2, 12);
    // A 400-image, 1-epoch run cannot reach the published accuracy, and says so.
    expect(acc.verdict).toBe('not-reproduced');
    // two run folders, and the store's record of finished jobs (.jobs), which a re-run reuses
    expect(readdirSync(out).filter((n) => !n.startsWith('.'))).toHaveLength(2);
    const [reportDir] = readdirSync(reports);
    for (const f of ['report.html', 'report.md', 'report.json', 'curves.png', 'confusion.png', 'predictions.png']) expect(existsSync(join(reports, reportDir!, f)), f).toBe(true);
    const md = readFileSync(join(reports, reportDir!, 'report.md'), 'utf8');
    expect(md).toContain('Reduced run');
    // the report names the plugins the runs were made with
    expect(md).toMatch(/Plugins.*@modelspec\/core@0\.1\.0, @modelspec\/backend-node@0\.1\.0/);

    // `report` re-renders from the run folders; it never writes over a report unless told to
    const runDirs = readdirSync(out).filter((n) => !n.startsWith('.')).sort();
    const again = modelspec(['report', ...runDirs, '--out', join(reports, reportDir!)], out);
    expect(again.code).toBe(2);
    expect(again.err).toContain('is not empty');
    expect(modelspec(['report', ...runDirs, '--out', join(reports, reportDir!), '--replace'], out).code).toBe(0);
    const fresh = modelspec(['report', ...runDirs, '--out', 'rendered'], out);
    expect(fresh.code, fresh.err).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'rendered', 'report.json'), 'utf8'));
    // run folders inside the working directory are recorded relative to it: no machine paths in reports
    expect(json.runs.map((x: { location: string }) => x.location)).toEqual(runDirs);
    expect(json.runs.map((x: { seed: number }) => x.seed)).toEqual([1, 2]);
  });

  it('refuses to write REPRODUCTIONS.md from a reduced run', () => {
    const r = modelspec(['reproduce', join(root, 'specs/e-shallow.yaml'), '--limit', '100', '--write-table', '--out', tmp(), '--reports', tmp()], tmp());
    expect(r.code).toBe(2);
    expect(r.err).toContain('--write-table records full reproductions only');
  });

  it('searches a small space with cross-validation and refits the winner', () => {
    const dir = tmp();
    // a base spec lives in the same project as the spec that extends it
    copyFileSync(join(root, 'specs/e-shallow.yaml'), join(dir, 'e-shallow.yaml'));
    writeFileSync(
      join(dir, 'search.yaml'),
      [
        'extends: e-shallow.yaml',
        'name: e-shallow-search',
        'search:',
        '  parameters:',
        '    - { path: model.layers.2.units, values: [2, 64] }',
        '  candidates: 2',
        '  folds: 2',
      ].join('\n'),
    );
    const args = ['search', 'search.yaml', '--limit', '400', '--test-limit', '200', '--epochs', '2', '--out', join(dir, 'runs'), '--json'];
    const a = modelspec(args, dir);
    expect(a.code, a.err).toBe(0);
    const ja = JSON.parse(a.out);
    expect(a.err).toMatch(/candidate 1\/2 fold 1\/2: accuracy [\d.]+; ETA .+ for the other 3 fold\(s\), then the refit\n/);
    expect(a.err).toMatch(/candidate 2\/2 fold 2\/2: accuracy [\d.]+\n/); // the last fold: nothing left to estimate
    expect(ja.result.candidates).toHaveLength(2);
    expect(ja.result.best.params['model.layers.2.units']).toBe(64);
    const worst = ja.result.candidates.find((c: { rank: number }) => c.rank === 2);
    expect(ja.result.best.mean).toBeGreaterThan(worst.mean);
    expect(ja.refit.test.accuracy).toBeGreaterThan(0.3);
    // determinism: the same search run anew gives the same fold scores
    const b = JSON.parse(modelspec([...args, '--fresh'], dir).out);
    expect(b.result.candidates.map((c: { foldScores: number[] }) => c.foldScores)).toEqual(ja.result.candidates.map((c: { foldScores: number[] }) => c.foldScores));
    // run again without --fresh, every fold and the refit are reused (their job ids match), nothing is trained
    const c = modelspec(args, dir);
    expect(c.code, c.err).toBe(0);
    expect(c.err.match(/already ran to the end/g)).toHaveLength(5);
    expect(JSON.parse(c.out).refit).toEqual(ja.refit);
  });
});
