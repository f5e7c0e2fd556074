import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelspec as run, root, tempDirs } from './test-support/cli.js';

/**
 * Independent trials in local processes (`--workers 2`: one trial per
 * process, the engine threads shared, so a trial left alone, like the third
 * seed here, goes on with both) give what one after another in this process
 * (two engine threads) gives: the same weights per seed and the same figures
 * for a reproduction, the same cv_results_ and refit for a search. The
 * native engine splits its work by shape only, so one thread or two compute
 * the same bits, even when the count changes part-way through a trial.
 */
const dir = tempDirs('workers')();
const modelspec = (args: string[]) => run(args, dir, { timeout: 600_000 });

interface Rep {
  figures: unknown[];
  verdict: string;
  runs: { seed: number; weightsSha256: string; measured: Record<string, number> }[];
}
/** What a reproduction's table row and report are made of, without where and how long. */
const essence = (r: Rep) => ({ figures: r.figures, verdict: r.verdict, runs: r.runs.map(({ seed, weightsSha256, measured }) => ({ seed, weightsSha256, measured })) });
const reportOf = (reports: string) => {
  const d = readdirSync(join(dir, reports))[0]!;
  return JSON.parse(readFileSync(join(dir, reports, d, 'report.json'), 'utf8')) as Rep;
};

describe('trials in parallel local processes (--workers)', () => {
  it('a reproduction with --workers 2 equals the one in this process: weights per seed, figures, report', { timeout: 600_000 }, () => {
    const args = [join(root, 'specs/e-shallow.yaml'), '--limit', '2000', '--epochs', '3', '--seeds', '1,2,3', '--test-limit', '500', '--set', 'reproduce.maxSeeds=3', '--json'];
    const one = modelspec(['reproduce', ...args, '--out', 'one-runs', '--reports', 'one-reports']);
    expect(one.code, one.err).toBe(0);
    const two = modelspec(['reproduce', ...args, '--workers', '2', '--out', 'two-runs', '--reports', 'two-reports']);
    expect(two.code, two.err).toBe(0);
    const [a, b] = [(JSON.parse(one.out) as Rep[])[0]!, (JSON.parse(two.out) as Rep[])[0]!];
    expect(b.runs).toHaveLength(3);
    expect(new Set(b.runs.map((r) => r.weightsSha256)).size).toBe(3);
    expect(essence(b)).toEqual(essence(a));
    expect(essence(reportOf('two-reports'))).toEqual(essence(reportOf('one-reports')));
  });

  it('a search with --workers 2 gives the cv_results_ and refit of the one in this process', { timeout: 600_000 }, () => {
    const args = [join(root, 'specs/b-cnn-search.yaml'), '--limit', '300', '--epochs', '1', '--candidates', '2', '--folds', '2', '--test-limit', '200', '--json'];
    const one = modelspec(['search', ...args, '--out', 'search-one']);
    expect(one.code, one.err).toBe(0);
    const two = modelspec(['search', ...args, '--workers', '2', '--out', 'search-two']);
    expect(two.code, two.err).toBe(0);
    type S = { result: { candidates: { rank: number; params: unknown; foldScores: number[]; mean: number; std: number }[]; best: { index: number } }; refit: { test: unknown } };
    const table = (s: S) => s.result.candidates.map(({ rank, params, foldScores, mean, std }) => ({ rank, params, foldScores, mean, std }));
    const [a, b] = [JSON.parse(one.out) as S, JSON.parse(two.out) as S];
    expect(table(a)).toHaveLength(2);
    expect(table(b)).toEqual(table(a));
    expect(b.result.best.index).toBe(a.result.best.index);
    expect(b.refit.test).toEqual(a.refit.test);
  });
});
