import { describe, expect, it } from 'vitest';
import { confusionMatrix, rowNormalize } from './confusion.js';

describe('confusionMatrix', () => {
  // 3 classes, 8 examples. Class 1 is never predicted, class 2 never occurs in yTrue.
  //   (true, pred) pairs: (0,0) x5, (1,0) x1, (1,2) x2
  const yTrue = [0, 1, 0, 0, 1, 0, 1, 0];
  const yPred = [0, 0, 0, 0, 2, 0, 2, 0];

  it('counts rows as true class and columns as predicted class', () => {
    expect(confusionMatrix(yTrue, yPred, 3)).toEqual([
      [5, 0, 0],
      [1, 0, 2],
      [0, 0, 0],
    ]);
  });

  it('accepts typed arrays such as a tensor dataSync() result', () => {
    expect(confusionMatrix(Int32Array.from(yTrue), Float32Array.from(yPred), 3)).toEqual(
      confusionMatrix(yTrue, yPred, 3),
    );
  });

  it('gives an all-zero matrix for no samples', () => {
    expect(confusionMatrix([], [], 2)).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('rejects mismatched lengths', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(
      'confusionMatrix: yTrue has 2 labels but yPred has 1; they must be the same length',
    );
  });

  it('rejects ids out of range, fractional or NaN', () => {
    expect(() => confusionMatrix([0, 3], [0, 0], 3)).toThrow(
      'confusionMatrix: yTrue[1] = 3 is not a class id in [0, 2]',
    );
    expect(() => confusionMatrix([0, 0], [-1, 0], 3)).toThrow('yPred[0] = -1 is not a class id in [0, 2]');
    expect(() => confusionMatrix([0.5], [0], 3)).toThrow('yTrue[0] = 0.5 is not a class id');
    expect(() => confusionMatrix([0], [Number.NaN], 3)).toThrow('yPred[0] = NaN is not a class id');
  });

  it('rejects a bad class count', () => {
    expect(() => confusionMatrix([], [], 0)).toThrow('numClasses must be a positive integer, got 0');
    expect(() => confusionMatrix([], [], 2.5)).toThrow('numClasses must be a positive integer, got 2.5');
  });
});

describe('rowNormalize', () => {
  it('makes each row sum to 1 and leaves an empty row at zero', () => {
    // Row 0: 5/5 = 1. Row 1: 1/3, 0, 2/3. Row 2 has no true samples.
    expect(
      rowNormalize([
        [5, 0, 0],
        [1, 0, 2],
        [0, 0, 0],
      ]),
    ).toEqual([
      [1, 0, 0],
      [1 / 3, 0, 2 / 3],
      [0, 0, 0],
    ]);
  });

  it('does not modify its input', () => {
    const cm = [
      [2, 2],
      [0, 1],
    ];
    rowNormalize(cm);
    expect(cm).toEqual([
      [2, 2],
      [0, 1],
    ]);
  });
});
