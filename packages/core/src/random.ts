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
