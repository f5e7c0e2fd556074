import { describe, expect, it } from 'vitest';
import { RandomState, shuffleInPlace } from './mt19937.js';

// Every expected value below was printed by numpy 2.4 (legacy RandomState);
// the python producing each is in the comment above it.

describe('RandomState', () => {
  it('seeds like init_genrand and gives the reference MT19937 outputs', () => {
    // np.random.RandomState(5489).randint(0, 2**32, size=5, dtype=np.uint64)
    const r = new RandomState(5489);
    expect([0, 1, 2, 3, 4].map(() => r.nextUint32())).toEqual([3499211612, 581869302, 3890346734, 3586334585, 545404204]);
  });

  it('gives the same doubles as random_sample', () => {
    // [repr(x) for x in np.random.RandomState(7).random_sample(4)]
    const r = new RandomState(7);
    expect([r.random(), r.random(), r.random(), r.random()]).toEqual([0.07630828937395717, 0.7799187922401146, 0.4384092314408935, 0.7234651778309412]);
  });

  it.each([
    // np.random.RandomState(seed).permutation(10).tolist()
    [42, [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]],
    [0, [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]],
    [4294967295, [6, 9, 5, 1, 8, 0, 7, 4, 2, 3]],
  ])('permutation(10) with seed %i matches numpy', (seed, expected) => {
    expect([...new RandomState(seed).permutation(10)]).toEqual(expected);
  });

  it('permutation(60000) with seed 2020 matches numpy (sklearn split of experiment C)', () => {
    const p = new RandomState(2020).permutation(60_000);
    // p = np.random.RandomState(2020).permutation(60000)
    // p[:20].tolist(); p[12000:12010].tolist(); p[-10:].tolist()
    expect([...p.subarray(0, 20)]).toEqual([
      50916, 47, 45254, 19771, 34478, 48596, 15781, 30481, 41153, 8964, 57386, 36186, 44992, 57226, 34887, 36164, 54905, 13973, 12014, 48853,
    ]);
    expect([...p.subarray(12_000, 12_010)]).toEqual([5331, 18898, 42253, 1273, 8781, 33698, 7187, 46092, 15574, 15582]);
    expect([...p.subarray(-10)]).toEqual([20637, 30648, 20039, 32387, 1661, 18523, 44739, 47734, 40259, 41824]);
    // int((p.astype(np.int64) * np.arange(60000)).sum() % 1000000007): checks every position
    let h = 0n;
    for (let i = 0; i < p.length; i++) h += BigInt(p[i]!) * BigInt(i);
    expect(Number(h % 1000000007n)).toBe(434473615);
  });

  it('permutation(60000) with seed 42 matches numpy (experiment D)', () => {
    // q = np.random.RandomState(42).permutation(60000); q[:10].tolist(); q[12000:12005].tolist()
    const q = new RandomState(42).permutation(60_000);
    expect([...q.subarray(0, 10)]).toEqual([12628, 37730, 39991, 8525, 8279, 51012, 14871, 15127, 9366, 33322]);
    expect([...q.subarray(12_000, 12_005)]).toEqual([48572, 38696, 13611, 35213, 31766]);
  });

  it('handles tiny permutations', () => {
    expect([...new RandomState(1).permutation(0)]).toEqual([]);
    expect([...new RandomState(1).permutation(1)]).toEqual([0]);
  });

  it('keeps randomInterval within [0, max] and returns 0 for max 0 without drawing', () => {
    const r = new RandomState(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.randomInterval(5);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(5);
      seen.add(v);
    }
    expect(seen.size).toBe(6);
    const a = new RandomState(9);
    const b = new RandomState(9);
    expect(a.randomInterval(0)).toBe(0);
    expect(a.nextUint32()).toBe(b.nextUint32());
    expect(new RandomState(1).randomInterval(0xffffffff)).toBe(new RandomState(1).nextUint32());
  });

  it('rejects seeds and bounds numpy would reject', () => {
    expect(() => new RandomState(-1)).toThrow(RangeError);
    expect(() => new RandomState(2 ** 32)).toThrow(RangeError);
    expect(() => new RandomState(1.5)).toThrow(RangeError);
    expect(() => new RandomState(1).randomInterval(2 ** 32)).toThrow(RangeError);
  });
});

describe('shuffleInPlace', () => {
  it('matches RandomState.shuffle on an array', () => {
    // a = np.arange(7); np.random.RandomState(1).shuffle(a); a.tolist()
    expect(shuffleInPlace([0, 1, 2, 3, 4, 5, 6], new RandomState(1))).toEqual([6, 2, 1, 0, 4, 3, 5]);
  });

  it('continues the stream across calls, like per-epoch shuffles', () => {
    // r = np.random.RandomState(1); b = np.arange(5); r.shuffle(b); c = np.arange(5); r.shuffle(c)
    const r = new RandomState(1);
    expect(shuffleInPlace(Int32Array.from([0, 1, 2, 3, 4]), r)).toEqual(Int32Array.from([2, 1, 4, 0, 3]));
    expect(shuffleInPlace(['a', 'b', 'c', 'd', 'e'], r)).toEqual(['a', 'c', 'e', 'd', 'b']);
  });
});
