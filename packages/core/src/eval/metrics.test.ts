import { describe, expect, it } from 'vitest';
import { formatConfusion, topConfusions } from './metrics.js';

const names = ['T-shirt/top', 'Trouser', 'Pullover', 'Shirt'];
const cm = [
  [50, 0, 4, 9],
  [1, 60, 0, 0],
  [3, 0, 40, 9],
  [83, 0, 12, 30],
];

describe('topConfusions', () => {
  it('lists the largest off-diagonal cells first, ties in row-major order', () => {
    // Off-diagonal non-zero cells: 83 (3->0), 12 (3->2), 9 (0->3), 9 (2->3), 4, 3, 1.
    const top = topConfusions(cm, names, 4);
    expect(top.map(formatConfusion)).toEqual([
      'Shirt predicted as T-shirt/top: 83',
      'Shirt predicted as Pullover: 12',
      'T-shirt/top predicted as Shirt: 9',
      'Pullover predicted as Shirt: 9',
    ]);
    expect(top[0]).toEqual({ trueIndex: 3, predIndex: 0, trueName: 'Shirt', predName: 'T-shirt/top', count: 83 });
  });

  it('never reports the diagonal or empty cells', () => {
    expect(topConfusions(cm, names, 100)).toHaveLength(7);
    expect(topConfusions([[5, 0], [0, 7]], ['a', 'b'], 3)).toEqual([]);
    expect(topConfusions(cm, names, 0)).toEqual([]);
  });

  it('validates its arguments', () => {
    expect(() => topConfusions(cm, names.slice(1), 3)).toThrow('topConfusions: got 3 class names for a 4x4 confusion matrix');
    expect(() => topConfusions(cm, names, -1)).toThrow('k must be a non-negative integer, got -1');
    expect(() => topConfusions([[0.5, 0.5], [0, 1]], ['a', 'b'], 1)).toThrow(
      'topConfusions: confusion matrix cell [0][0] = 0.5 is not a non-negative integer count',
    );
  });
});
