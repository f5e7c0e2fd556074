/** How far a value may be from the reference: |a - e| <= atol * scale + rtol * |e|, scale the largest |e| of the output. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
  /** |actual - expected| */
  difference: number;
  /** How many elements are out of tolerance. */
  count: number;
}

/**
 * The worst element outside tolerance, or null when all are within it. NaN
 * matches NaN and infinities match exactly; the atol part scales with the
 * output's largest magnitude, so a sum of thousands of terms gets the
 * allowance its float32 rounding needs.
 */
export function worstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): Mismatch | null {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(expected[i]!);
    if (Number.isFinite(e) && e > scale) scale = e;
  }
  let worst: Mismatch | null = null;
  let worstExcess = -Infinity;
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const d = Math.abs(a - e);
    const excess = Number.isFinite(d) ? d - (tol.atol * scale + tol.rtol * Math.abs(e)) : Infinity;
    if (excess <= 0) continue;
    count++;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = { index: i, actual: a, expected: e, difference: d, count: 0 };
    }
  }
  return worst ? { ...worst, count } : null;
}

/** Bitwise equality of float32 values (what a bit-identical engine promises run to run). */
export function firstBitDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

export const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? v.toPrecision(7) : v.toExponential(4));
