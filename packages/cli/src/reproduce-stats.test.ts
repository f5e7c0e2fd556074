import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const bin = join(root, 'packages/cli/bin/modelspec.js');
const FASHION = '/usr/share/datasets/fashion-mnist';

function modelspec(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, MODELSPEC_DATA_DIR: '', NO_COLOR: '1' }, timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const made: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'modelspec-stats-'));
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const report = (reports: string) => {
  const [dir] = readdirSync(reports);
  return { json: JSON.parse(readFileSync(join(reports, dir!, 'report.json'), 'utf8')), md: readFileSync(join(reports, dir!, 'report.md'), 'utf8'), html: readFileSync(join(reports, dir!, 'report.html'), 'utf8') };
};
const tiny = ['--limit', '300', '--epochs', '1', '--test-limit', '200'];

describe.runIf(existsSync(FASHION))('reproduce: statistics, more seeds, through the search (issue 14)', () => {
  it('runs more seeds while a figure is inconclusive, up to --max-seeds, and says so', { timeout: 240_000 }, () => {
    const reports = tmp();
    // two seeds of a 1-epoch run spread too widely (t with 1 degree of freedom is 12.7) for a one-point tolerance
    const r = modelspec(['reproduce', join(root, 'specs/e-shallow.yaml'), ...tiny, '--seeds', '1,2', '--max-seeds', '4', '--out', tmp(), '--reports', reports], root);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/test accuracy inconclusive: running seeds? 3/);
    const { json, md, html } = report(reports);
    expect(json.seedPlan.requested).toEqual([1, 2]);
    expect(json.seedPlan.maxSeeds).toBe(4);
    expect(json.seedPlan.added[0]).toBe(3);
    expect(json.runs.map((x: { seed: number }) => x.seed).slice(0, 3)).toEqual([1, 2, 3]);
    const acc = json.figures.find((f: { metric: string }) => f.metric === 'testAccuracy');
    expect(acc.statistics.seeds).toBe(json.runs.length);
    expect(typeof acc.statistics.publishedInPredictionInterval).toBe('boolean');
    expect(md).toContain('**What the seeds allow us to conclude:**');
    expect(md).toMatch(/more \(3[,)]/);
    // a reduced run never shows a red verdict
    expect(html).not.toContain('#c62828');
    expect(json.environment.gitCommit).toMatch(/^([0-9a-f]{40}|unknown)/);
    expect(Object.keys(json.environment.datasets).length).toBeGreaterThan(0);
    expect(md).toContain('## Versions');
  });

  it('reproduces b-cnn-search through its search: the folds once, the winner under each seed, the cv table in the report', { timeout: 280_000 }, () => {
    const reports = tmp();
    const r = modelspec(['reproduce', join(root, 'specs/b-cnn-search.yaml'), ...tiny, '--seeds', '1,2', '--set', 'search.candidates=2', '--set', 'search.folds=2', '--out', tmp(), '--reports', reports], root);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/rank +mean accuracy/);
    const { json, md } = report(reports);
    expect(json.search).toMatchObject({ candidates: 2, folds: 2, scoreBy: 'accuracy', seed: 0 });
    expect(json.search.results).toHaveLength(2);
    const winner = json.search.results.find((c: { rank: number }) => c.rank === 1).params;
    expect(json.search.best).toEqual(winner);
    // the seeds trained the winner, not the layers as written
    const layers = json.spec.model.layers;
    expect([layers[3].filters, layers[5].filters, layers[8].rate]).toEqual([winner['model.layers.3.filters'], winner['model.layers.5.filters'], winner['model.layers.8.rate']]);
    expect(json.runs.map((x: { seed: number }) => x.seed)).toEqual([1, 2]);
    expect(md).toContain('## Search');
    expect(md).toContain("The model the seeds ran was chosen by the spec's search: 2 candidates");
  });
});
