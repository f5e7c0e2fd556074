import { describe, expect, it } from 'vitest';
import { reproduce } from './reproduce.js';
import { sampleReproduction } from '../report/sample.js';
import type { Executor } from './runner.js';
import type { RunJob } from './job.js';
import type { RunOutcome } from './outcome.js';

/** An executor that measures a test accuracy per seed (or a fold score per candidate) from a table, no training. */
function fakeExecutor(accuracy: (job: RunJob) => number): Executor & { ran: RunJob[] } {
  const ran: RunJob[] = [];
  const exec = (async (job: RunJob): Promise<RunOutcome> => {
    ran.push(job);
    const v = accuracy(job);
    return {
      job: job.id,
      status: 'completed',
      engine: { name: 'fake', description: '', available: true },
      location: null,
      classNames: ['a', 'b'],
      summary: job.fold ? null : { location: null, seed: job.spec.seed, engine: 'fake', stopReason: 'completed', history: [], measured: { testAccuracy: v }, test: null, trainSeconds: 1, weightsSha256: 'x' },
      fold: job.fold ? { score: v, fitSeconds: 1, scoreSeconds: 0 } : null,
      counts: { train: 10, validation: 0, test: 10 },
    };
  }) as Executor & { ran: RunJob[] };
  exec.ran = ran;
  return exec;
}

const spec = () => {
  const s = structuredClone(sampleReproduction().spec) as any;
  s.reference.figures = [{ metric: 'testAccuracy', value: 0.8, source: 'x', note: '', tolerance: 0.01 }];
  return s;
};

describe('reproduce', () => {
  it('adds seeds while a figure is inconclusive, up to maxSeeds, and records why', async () => {
    // seeds 1..3 spread widely around the published value; later seeds sit on it
    const values: Record<number, number> = { 1: 0.78, 2: 0.83, 3: 0.8 };
    const exec = fakeExecutor((j) => values[j.spec.seed] ?? 0.8);
    const added: number[][] = [];
    const { reproduction } = await reproduce({ spec: spec(), specFile: 's.yaml', seeds: [1, 2, 3], maxSeeds: 6 }, exec, { onMoreSeeds: (s) => added.push(s) });
    expect(exec.ran.map((j) => j.spec.seed)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(added.flat()).toEqual([4, 5, 6]);
    expect(reproduction!.seedPlan).toEqual({ requested: [1, 2, 3], maxSeeds: 6, added: [4, 5, 6] });
    expect(reproduction!.runs.map((r) => r.seed)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('adds none without a cap above the seeds asked for, nor when the seeds decide', async () => {
    const wide = fakeExecutor((j) => ({ 1: 0.7, 2: 0.9 })[j.spec.seed] ?? 0.8);
    await reproduce({ spec: spec(), specFile: 's.yaml', seeds: [1, 2] }, wide);
    expect(wide.ran).toHaveLength(2);
    const tight = fakeExecutor((j) => 0.8 + j.spec.seed * 1e-5);
    const { reproduction } = await reproduce({ spec: spec(), specFile: 's.yaml', seeds: [1, 2, 3], maxSeeds: 10 }, tight);
    expect(tight.ran).toHaveLength(3);
    expect(reproduction!.figures[0]!.statistics!.decision).toBe('reproduced');
  });

  it('through the search: folds once, then the winner under each seed, with the cv table', async () => {
    const base = spec();
    const candidates = [16, 32].map((units) => ({ params: { 'model.layers.1.units': units }, spec: { ...base, model: { units } } as any }));
    const exec = fakeExecutor((j) => (j.fold ? ((j.spec.model as any).units === 32 ? 0.9 : 0.85) : 0.8 + j.spec.seed * 1e-5));
    const { reproduction } = await reproduce({ spec: base, specFile: 's.yaml', seeds: [1, 2], search: { candidates, folds: 2, scoreBy: 'accuracy', seed: 0 } }, exec);
    expect(exec.ran.filter((j) => j.fold)).toHaveLength(4);
    const seeds = exec.ran.filter((j) => !j.fold);
    expect(seeds.map((j) => [j.spec.seed, (j.spec.model as any).units, j.overrides['model.layers.1.units']])).toEqual([[1, 32, 32], [2, 32, 32]]);
    expect(reproduction!.search).toMatchObject({ candidates: 2, folds: 2, best: { 'model.layers.1.units': 32 }, bestMean: 0.9 });
    expect(reproduction!.search!.results.map((r) => r.rank)).toEqual([2, 1]);
  });
});
