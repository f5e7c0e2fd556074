import { ModelspecError } from '../errors.js';
import { RandomState } from './mt19937.js';

/**
 * Train/validation splits as index lists over n examples. The two ways the
 * reference notebooks split differ and both must be copied exactly: Keras's
 * `validation_split` (the last fraction, unshuffled) and sklearn's
 * `train_test_split` (a seeded permutation).
 */

export interface IndexSplit {
  train: Int32Array;
  validation: Int32Array;
}

const range = (from: number, to: number) => {
  const out = new Int32Array(Math.max(0, to - from));
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
};

/**
 * Keras `fit(validation_split=fraction)`: the last `fraction` of the examples,
 * taken before any shuffling. Keras computes `int(math.floor(n * (1.0 - fraction)))`;
 * the same double arithmetic here gives the same split point.
 */
export function tailSplit(n: number, fraction: number): IndexSplit {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`validation fraction must be in (0, 1), got ${fraction}`);
  const splitAt = Math.floor(n * (1.0 - fraction));
  if (splitAt === 0 || splitAt === n) {
    throw new ModelspecError(
      'split-empty',
      `${n} examples are too few to split with a validation fraction of ${fraction}: one side would be empty`,
      'Use more data or a different validation fraction.',
    );
  }
  return { train: range(0, splitAt), validation: range(splitAt, n) };
}

/**
 * sklearn `train_test_split(test_size=testSize, random_state=randomState)`
 * (no stratify, shuffle on), i.e. ShuffleSplit's first split:
 * n_test = ceil(testSize * n) for a fraction, or testSize itself for an
 * integer >= 1; n_train = n - n_test; perm = RandomState(seed).permutation(n);
 * test = perm[:n_test], train = perm[n_test:]. Both keep the permutation's
 * order, as sklearn's arrays do.
 */
export function sklearnSplit(n: number, testSize: number, randomState: number): IndexSplit {
  let nTest: number;
  if (Number.isInteger(testSize) && testSize >= 1) {
    if (testSize >= n) throw new RangeError(`test size ${testSize} must be smaller than the number of examples (${n})`);
    nTest = testSize;
  } else {
    if (!(testSize > 0 && testSize < 1)) throw new RangeError(`test size must be a fraction in (0, 1) or a count >= 1, got ${testSize}`);
    nTest = Math.ceil(testSize * n);
  }
  const nTrain = n - nTest;
  if (nTrain <= 0) {
    throw new ModelspecError(
      'split-empty',
      `with ${n} examples and a test size of ${testSize}, the training set would be empty`,
      'Use more data or a smaller test size.',
    );
  }
  const perm = new RandomState(randomState).permutation(n);
  return { validation: perm.slice(0, nTest), train: perm.slice(nTest, nTest + nTrain) };
}
