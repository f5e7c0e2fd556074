import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRegistries, createSpecLoader, crossValidate, formatIssues, sampleCandidates, stratifiedKFold, type ResolvedModelSpec } from '../index.js';
import { syntheticCsv, testBackend } from '../../test/fake-backend.js';

describe('stratifiedKFold', () => {
  // Expected folds from a numpy transcription of sklearn 1.x StratifiedKFold._make_test_folds (shuffle=False);
  // sklearn itself cannot be installed here.
  it('assigns the same test folds as sklearn, classes numbered by first appearance', () => {
    const y = [2, 0, 1, 3, 0, 0, 0, 1, 1, 3, 2, 3, 1, 1, 2, 1, 3, 2, 0, 0, 0, 1, 3];
    const want = [0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 2, 1, 2, 1, 2, 1, 2, 2, 2, 2];
    const folds = stratifiedKFold(y, 3);
    const got = new Array(y.length).fill(-1);
    folds.forEach((f, i) => f.test.forEach((j) => (got[j] = i)));
    expect(got).toEqual(want);
    const y2 = [2, 2, 0, 1, 1, 1, 0, 2, 0, 1, 2, 2, 1, 0, 0, 2];
    const got2 = new Array(y2.length).fill(-1);
    stratifiedKFold(y2, 4).forEach((f, i) => f.test.forEach((j) => (got2[j] = i)));
    expect(got2).toEqual([0, 0, 0, 0, 1, 2, 1, 1, 2, 3, 1, 2, 3, 2, 3, 3]);
  });

  it('partitions the indices: every index held out exactly once, train the complement', () => {
    const y = Array.from({ length: 50 }, (_, i) => (i * 7) % 5);
    const folds = stratifiedKFold(y, 5);
    const seen = folds.flatMap((f) => [...f.test]).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const f of folds) expect(f.train.length + f.test.length).toBe(50);
  });
});

describe('sampleCandidates', () => {
  const search = (over: Partial<NonNullable<ResolvedModelSpec['search']>>) =>
    ({ parameters: [], candidates: 4, folds: 2, scoreBy: 'accuracy', refit: true, seed: 3, ...over }) as NonNullable<ResolvedModelSpec['search']>;

  it('draws distinct grid points when every parameter is a list, deterministically', () => {
    const s = search({ parameters: [{ path: 'a', values: [1, 2, 3], distribution: null }, { path: 'b', values: ['x', 'y'], distribution: null }] as never, candidates: 6 });
    const c = sampleCandidates(s);
    expect(c).toHaveLength(6);
    expect(new Set(c.map((x) => JSON.stringify(x))).size).toBe(6);
    expect(sampleCandidates(s)).toEqual(c);
    expect(sampleCandidates({ ...s, seed: 4 })).not.toEqual(c);
  });

  it('samples distributions within their bounds', () => {
    const s = search({ parameters: [{ path: 'lr', values: null, distribution: { type: 'logUniform', low: 1e-4, high: 1e-2 } }, { path: 'u', values: null, distribution: { type: 'intUniform', low: 8, high: 10 } }] as never, candidates: 50 });
    for (const c of sampleCandidates(s)) {
      expect(c['lr']).toBeGreaterThanOrEqual(1e-4);
      expect(c['lr']).toBeLessThanOrEqual(1e-2);
      expect([8, 9, 10]).toContain(c['u']);
    }
  });
});

describe('crossValidate', () => {
  const reg = builtinRegistries();
  const loader = createSpecLoader(reg);
  const text = readFileSync(join(__dirname, '../../test/fixtures/tiny-csv-mlp.yaml'), 'utf8');
  const files = { 'train.csv': syntheticCsv(200, 1), 'test.csv': syntheticCsv(40, 2) };
  const candidates = [{ 'model.layers.3.units': 1, 'training.optimizer.learningRate': 0.0001 }, { 'model.layers.3.units': 32, 'training.optimizer.learningRate': 0.01 }].map((params) => {
    const r = loader.load(text, 'tiny.yaml', { overrides: params });
    if (!r.ok) throw new Error(formatIssues(r.issues));
    return { params, loaded: r };
  });

  it('ranks a capable candidate above a crippled one, the same way every time', async () => {
    const a = await crossValidate(candidates, testBackend(files), reg, { folds: 2, scoreBy: 'accuracy' });
    const b = await crossValidate(candidates, testBackend(files), reg, { folds: 2, scoreBy: 'accuracy' });
    expect(a.candidates.map((c) => c.foldScores)).toEqual(b.candidates.map((c) => c.foldScores));
    expect(a.best.params['model.layers.3.units']).toBe(32);
    expect(a.best.mean).toBeGreaterThan(a.candidates.find((c) => c.rank === 2)!.mean);
    for (const c of a.candidates) {
      expect(c.foldScores).toHaveLength(2);
      expect(c.mean).toBeCloseTo((c.foldScores[0]! + c.foldScores[1]!) / 2, 12);
    }
    expect(a.examples).toBe(200);
  });
});
