/** A confusion matrix: rows are true classes, columns are predicted classes. */
export type ConfusionMatrix = readonly (readonly number[])[];

export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses: number,
): number[][] {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`confusionMatrix: numClasses must be a positive integer, got ${numClasses}`);
  }
  if (yTrue.length !== yPred.length) {
    throw new Error(
      `confusionMatrix: yTrue has ${yTrue.length} labels but yPred has ${yPred.length}; they must be the same length`,
    );
  }
  const cm = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = classId(yTrue[i], 'yTrue', i, numClasses);
    const p = classId(yPred[i], 'yPred', i, numClasses);
    const row = cm[t]!;
    row[p] = row[p]! + 1;
  }
  return cm;
}

function classId(v: number | undefined, name: string, i: number, numClasses: number): number {
  // Float label arrays (e.g. from a tensor's dataSync) are accepted, but a
  // fractional or out-of-range id means argmax was skipped or the class count is wrong.
  if (v === undefined || !Number.isInteger(v) || v < 0 || v >= numClasses) {
    throw new Error(
      `confusionMatrix: ${name}[${i}] = ${v} is not a class id in [0, ${numClasses - 1}]`,
    );
  }
  return v;
}

/** Each row divided by its sum; a class with no true samples keeps a row of zeros rather than NaN. */
export function rowNormalize(cm: ConfusionMatrix): number[][] {
  return cm.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total === 0 ? 0 : v / total));
  });
}

/**
 * Checks that `cm` is a square matrix of counts matching `classNames`.
 * Counts must be non-negative integers so that passing a row-normalized
 * matrix to the report by mistake fails loudly instead of yielding nonsense.
 */
export function assertCountMatrix(cm: ConfusionMatrix, classNames: readonly string[], fn: string): void {
  const n = cm.length;
  if (n === 0) throw new Error(`${fn}: confusion matrix is empty`);
  if (classNames.length !== n) {
    throw new Error(`${fn}: got ${classNames.length} class names for a ${n}x${n} confusion matrix`);
  }
  cm.forEach((row, i) => {
    if (row.length !== n) {
      throw new Error(`${fn}: confusion matrix row ${i} has ${row.length} entries, expected ${n}`);
    }
    row.forEach((v, j) => {
      if (!Number.isInteger(v) || v < 0) {
        throw new Error(`${fn}: confusion matrix cell [${i}][${j}] = ${v} is not a non-negative integer count`);
      }
    });
  });
}
