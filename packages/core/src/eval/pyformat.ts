/**
 * Python's `format(x, '.{digits}f')`. `Number.prototype.toFixed` breaks exact
 * ties upward (0.625 -> "0.63") where Python rounds half to even ("0.62"), and
 * ties are common for ratios of small counts, so the text report would drift
 * from sklearn's without this.
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const negative = x < 0 || Object.is(x, -0);
  // Every finite double is m / 2^k exactly; scaling by 2 is lossless.
  let m = Math.abs(x);
  let k = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    k++;
  }
  const num = BigInt(m) * 10n ** BigInt(digits);
  const den = 1n << BigInt(k);
  let q = num / den;
  const twiceRem = (num % den) * 2n;
  if (twiceRem > den || (twiceRem === den && q % 2n === 1n)) q += 1n;
  let s = q.toString();
  if (digits > 0) {
    s = s.padStart(digits + 1, '0');
    s = `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  }
  return negative ? `-${s}` : s;
}

/** Python's `'{:>{width}}'`: width counts code points, not UTF-16 units. */
export function alignRight(s: string, width: number): string {
  const len = Array.from(s).length;
  return len >= width ? s : ' '.repeat(width - len) + s;
}
