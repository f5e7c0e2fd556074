/**
 * What the seeds say about a published figure, beyond |mean - published| <= tolerance.
 *
 * Each published figure is one unseeded run, so the question is whether it is a
 * plausible draw from the distribution the seeds sample, and whether the seeds
 * pin the mean down well enough to apply the tolerance at all. Both use the
 * Student t distribution with n - 1 degrees of freedom (the seeds are few, their
 * standard deviation is itself an estimate):
 *
 * - prediction interval for ONE new run: mean ± t·s·sqrt(1 + 1/n). A published
 *   value inside it is a plausible draw; outside, the published run is unlike
 *   what this spec produces.
 * - confidence interval of the mean: mean ± t·s/sqrt(n), against the tolerance
 *   band [published - tolerance, published + tolerance]: inside the band the
 *   figure is reproduced, clear of it not reproduced, across its edge the seeds
 *   spread too widely for the tolerance to decide (inconclusive); more seeds
 *   narrow it as 1/sqrt(n).
 */

/** The level both intervals use. */
export const CONFIDENCE = 0.95;

export type Decision = 'reproduced' | 'not-reproduced' | 'inconclusive';

export interface FigureStatistics {
  /** Seeds the statistics rest on. */
  seeds: number;
  confidence: number;
  /** Where one new run's value falls with probability `confidence`. */
  predictionInterval: [number, number];
  publishedInPredictionInterval: boolean;
  /** Where the true mean over seeds lies with probability `confidence`. */
  meanInterval: [number, number];
  /** The tolerance verdict as far as the seeds can back it. */
  decision: Decision;
  /**
   * About how many seeds would make an inconclusive decision firm, assuming the
   * spread stays what these seeds show; null when decided, or when no number of
   * seeds would do (the mean sits on the tolerance's edge) or more than 1000.
   */
  seedsToDecide: number | null;
}

/** ln Γ(x), Lanczos (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
function logGamma(x: number): number {
  const c = [0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta (Lentz's method, as in Numerical Recipes' betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t with P(T <= t) = p (scipy.stats.t.ppf), by bisection on the CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`studentTQuantile: p must be in (0, 1) and df > 0 (got p ${p}, df ${df})`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const tFor = (n: number, confidence: number) => studentTQuantile(1 - (1 - confidence) / 2, n - 1);

/** The smallest n whose interval of the mean, t·s/sqrt(n), fits in `margin`; null beyond 1000. */
function seedsFor(std: number, margin: number, confidence: number): number | null {
  if (!(margin > 0)) return null;
  for (let n = 2; n <= 1000; n++) if (tFor(n, confidence) * std / Math.sqrt(n) < margin) return n;
  return null;
}

/**
 * The statistics of a published figure over seeds' values (sample std, n - 1);
 * null with fewer than two seeds (no spread to reason from). `range` is what
 * values the figure can take ([0, 1] for an accuracy).
 */
export function figureStatistics(values: readonly number[], published: number, tolerance: number, confidence = CONFIDENCE, range: [number, number] = [-Infinity, Infinity]): FigureStatistics | null {
  const n = values.length;
  if (n < 2) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const t = tFor(n, confidence);
  const pred = t * std * Math.sqrt(1 + 1 / n);
  const half = (t * std) / Math.sqrt(n);
  const eps = 1e-12;
  const [lo, hi] = [published - tolerance - eps, published + tolerance + eps];
  // an accuracy cannot leave [0, 1]: the intervals are cut to the values the figure can take
  const cut = (lo: number, hi: number): [number, number] => [Math.max(range[0], lo), Math.min(range[1], hi)];
  const meanInterval = cut(mean - half, mean + half);
  const decision: Decision = meanInterval[0] >= lo && meanInterval[1] <= hi ? 'reproduced' : meanInterval[1] < lo || meanInterval[0] > hi ? 'not-reproduced' : 'inconclusive';
  return {
    seeds: n,
    confidence,
    predictionInterval: cut(mean - pred, mean + pred),
    publishedInPredictionInterval: published >= mean - pred && published <= mean + pred,
    meanInterval,
    decision,
    seedsToDecide: decision === 'inconclusive' ? seedsFor(std, Math.abs(Math.abs(mean - published) - tolerance), confidence) : null,
  };
}
