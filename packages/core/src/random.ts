/**
 * Seed derivation: every source of randomness in a run (each weight's
 * initializer, each dropout layer, each epoch's shuffle) gets its own seed,
 * derived from the spec seed and a stable label, so that adding a layer does
 * not change the randomness of the others more than necessary.
 */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * mulberry32: a small, fast seeded generator of floats in [0, 1), the same
 * numbers in every environment. For synthetic data and test inputs (the
 * conformance kit's, the engines' tests and benchmarks, the example plugin's
 * dataset); a run's own randomness goes through tfjs with `deriveSeed`.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = fmix(seed >>> 0 ^ 0x9e3779b9);
  for (const label of labels) {
    const s = String(label);
    for (let i = 0; i < s.length; i++) h = fmix(h ^ Math.imul(s.charCodeAt(i), 0xcc9e2d51));
    h = fmix(h ^ 0x1b873593);
  }
  // tfjs seeds go through seedrandom as numbers; keep them positive 31-bit.
  return h & 0x7fffffff;
}
