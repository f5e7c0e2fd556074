import { assertCountMatrix, type ConfusionMatrix } from './confusion.js';

export interface Confusion {
  trueIndex: number;
  predIndex: number;
  trueName: string;
  predName: string;
  count: number;
}

/**
 * The `k` largest off-diagonal cells, largest first. Empty cells are left out
 * (a "predicted as X: 0" line tells a reader nothing); ties keep row-major
 * order so the list is stable across runs.
 */
export function topConfusions(cm: ConfusionMatrix, classNames: readonly string[], k: number): Confusion[] {
  assertCountMatrix(cm, classNames, 'topConfusions');
  if (!Number.isInteger(k) || k < 0) throw new Error(`topConfusions: k must be a non-negative integer, got ${k}`);
  const cells: Confusion[] = [];
  cm.forEach((row, i) =>
    row.forEach((count, j) => {
      if (i !== j && count > 0) {
        cells.push({ trueIndex: i, predIndex: j, trueName: classNames[i]!, predName: classNames[j]!, count });
      }
    }),
  );
  // Array.prototype.sort is stable, so equal counts stay in row-major order.
  return cells.sort((a, b) => b.count - a.count).slice(0, k);
}

/** "Shirt predicted as T-shirt/top: 83" */
export function formatConfusion(c: Confusion): string {
  return `${c.trueName} predicted as ${c.predName}: ${c.count}`;
}
