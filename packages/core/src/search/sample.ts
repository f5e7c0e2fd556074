import { RandomState } from '../data/mt19937.js';
import type { ResolvedModelSpec } from '../spec/schema.js';

type SearchSpec = NonNullable<ResolvedModelSpec['search']>;
type Param = SearchSpec['parameters'][number];
export type Candidate = Record<string, number | string | boolean>;

function draw(p: Param, rng: RandomState): number | string | boolean {
  if (p.values) return p.values[rng.randomInterval(p.values.length - 1)]!;
  const d = p.distribution!;
  if (d.type === 'uniform') return d.low + rng.random() * (d.high - d.low);
  if (d.type === 'logUniform') return Math.exp(Math.log(d.low) + rng.random() * (Math.log(d.high) - Math.log(d.low)));
  return d.low + rng.randomInterval(d.high - d.low);
}

/**
 * Candidates as sklearn's ParameterSampler picks them: when every parameter
 * is a list, distinct points of the grid without replacement (the whole grid
 * if it is smaller than `candidates`); otherwise independent draws. Seeded by
 * `search.seed` through numpy's MT19937, so the same spec gives the same
 * candidates (the draws are numpy-style, not bit-identical to scipy's).
 */
export function sampleCandidates(search: SearchSpec): Candidate[] {
  const rng = new RandomState(search.seed);
  const params = [...search.parameters].sort((a, b) => a.path.localeCompare(b.path));
  if (params.every((p) => p.values)) {
    const sizes = params.map((p) => p.values!.length);
    const grid = sizes.reduce((a, b) => a * b, 1);
    const n = Math.min(search.candidates, grid);
    const picks = [...rng.permutation(grid).subarray(0, n)];
    return picks.map((flat) => {
      const c: Candidate = {};
      for (let i = params.length - 1; i >= 0; i--) {
        c[params[i]!.path] = params[i]!.values![flat % sizes[i]!]!;
        flat = Math.floor(flat / sizes[i]!);
      }
      return c;
    });
  }
  return Array.from({ length: search.candidates }, () => Object.fromEntries(params.map((p) => [p.path, draw(p, rng)])));
}
