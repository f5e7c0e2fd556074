import { describe, expect, it } from 'vitest';
import { sklearnSplit, tailSplit } from './split.js';
import { ModelspecError } from '../errors.js';

describe('tailSplit (Keras validation_split)', () => {
  it('takes the last fraction, in order', () => {
    const s = tailSplit(10, 0.3);
    expect([...s.train]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([...s.validation]).toEqual([7, 8, 9]);
  });

  it('splits Fashion-MNIST 48,000 / 12,000 at 0.2', () => {
    const s = tailSplit(60_000, 0.2);
    expect(s.train.length).toBe(48_000);
    expect(s.validation[0]).toBe(48_000);
    expect(s.validation[11_999]).toBe(59_999);
  });

  it('rounds like Keras, floor of the float product', () => {
    // python: int(math.floor(90 * (1.0 - 0.3))) == 62, because 90 * 0.7 == 62.99999999999999
    expect(tailSplit(90, 0.3).train.length).toBe(62);
    // python: int(math.floor(1000 * (1.0 - 0.07))) == 929
    expect(tailSplit(1000, 0.07).validation.length).toBe(71);
  });

  it('refuses a split that leaves one side empty, as Keras does', () => {
    expect(() => tailSplit(1, 0.5)).toThrow(ModelspecError);
    expect(() => tailSplit(5, 1e-17)).toThrow(/too few to split/); // 1 - 1e-17 == 1: nothing left to validate on
    expect(tailSplit(5, 0.01).validation.length).toBe(1);
    expect(() => tailSplit(10, 0)).toThrow(RangeError);
    expect(() => tailSplit(10, 1)).toThrow(RangeError);
  });
});

describe('sklearnSplit (train_test_split)', () => {
  it('takes the test set from the front of the seeded permutation', () => {
    // p = np.random.RandomState(0).permutation(10); n_test = ceil(0.25 * 10) = 3
    // p[:3].tolist() == [2, 8, 4]; p[3:].tolist() == [9, 1, 6, 7, 3, 0, 5]
    const s = sklearnSplit(10, 0.25, 0);
    expect([...s.validation]).toEqual([2, 8, 4]);
    expect([...s.train]).toEqual([9, 1, 6, 7, 3, 0, 5]);
  });

  it('reproduces experiment C (test_size=0.2, random_state=2020) on 60,000 examples', () => {
    // p = np.random.RandomState(2020).permutation(60000); p[:3].tolist(); p[12000:12003].tolist()
    const s = sklearnSplit(60_000, 0.2, 2020);
    expect(s.validation.length).toBe(12_000);
    expect(s.train.length).toBe(48_000);
    expect([...s.validation.subarray(0, 3)]).toEqual([50916, 47, 45254]);
    expect([...s.train.subarray(0, 3)]).toEqual([5331, 18898, 42253]);
    const all = new Set([...s.train, ...s.validation]);
    expect(all.size).toBe(60_000);
  });

  it('rounds the test size up, like sklearn (ceil of the float product)', () => {
    // python: math.ceil(0.07 * 100) == 8, because 0.07 * 100 == 7.000000000000001
    expect(sklearnSplit(100, 0.07, 1).validation.length).toBe(8);
    expect(sklearnSplit(10, 0.33, 1).validation.length).toBe(4);
  });

  it('takes an integer test size as a count', () => {
    const s = sklearnSplit(10, 4, 0);
    expect(s.validation.length).toBe(4);
    expect(s.train.length).toBe(6);
  });

  it('rejects sizes sklearn rejects', () => {
    expect(() => sklearnSplit(10, 0, 0)).toThrow(RangeError);
    expect(() => sklearnSplit(10, 10, 0)).toThrow(RangeError);
    expect(() => sklearnSplit(10, 1.5, 0)).toThrow(RangeError);
    expect(() => sklearnSplit(1, 0.5, 0)).toThrow(/training set would be empty/);
  });
});
