/**
 * numpy's legacy `np.random.RandomState`, the parts that sklearn's
 * `train_test_split(random_state=R)` and `np.random.shuffle` use: MT19937
 * seeded with `init_genrand`, numpy's masked-rejection bounded draw and its
 * Fisher-Yates shuffle. Same seed, same numbers as Python, so a split made by
 * a published notebook can be made again here exactly.
 */

const N = 624;
const M = 397;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

export class RandomState {
  private readonly mt = new Uint32Array(N);
  private index = N;

  /** `np.random.RandomState(seed)` for an integer seed 0..2**32-1. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      // 1812433253 * prev, modulo 2**32, without losing bits to float rounding.
      mt[i] = Math.imul(1812433253, prev) + i;
    }
  }

  /** The next raw 32-bit output (numpy's `next_uint32`, no buffering). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist() {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & UPPER) | (mt[(i + 1) % N]! & LOWER);
      mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }

  /** A double in [0, 1) with 53 random bits: `random_sample()`. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * A uniform integer in [0, max], as numpy's `random_interval`: draw 32 bits,
   * keep those under the smallest all-ones mask >= max, retry above max.
   * Unlike a modulo, this consumes a seed-dependent number of draws, which
   * is why it must be copied exactly.
   */
  randomInterval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new RangeError(`randomInterval supports 0..2**32 - 1, got ${max}`);
    }
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** `RandomState.permutation(n)`: a shuffled `arange(n)`. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return shuffleInPlace(out, this);
  }
}

export interface ShuffleTarget {
  length: number;
  [index: number]: unknown;
}

/**
 * Shuffles in place as `RandomState.shuffle` does for a 1-d array
 * (`_shuffle_raw`): for i from the end down to 1, swap i with
 * `randomInterval(i)`. Usable for per-epoch shuffling with a seeded state.
 */
export function shuffleInPlace<T extends ShuffleTarget>(array: T, rng: RandomState): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.randomInterval(i);
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}
