import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusion.js';
import { classificationReport, formatClassificationReport } from './report.js';
import { formatFixed } from './pyformat.js';

/*
 * Fixture A: 3 classes, 8 examples (same as confusion.test.ts).
 *   cm = [[5,0,0],[1,0,2],[0,0,0]]; row sums (support) 5,3,0; column sums (predicted) 6,0,2.
 *   T-shirt/top: P = 5/6, R = 5/5 = 1, F1 = 2*5/(5+6) = 10/11, support 5
 *   Trouser:     never predicted -> P = 0 (warn); R = 0/3 = 0; F1 = 0/(3+0) = 0, support 3
 *   Pullover:    no true samples -> R = 0 (warn); P = 0/2 = 0; F1 = 0/(0+2) = 0, support 0
 *   accuracy = 5/8 = 0.625 (prints "0.62": Python rounds the exact tie half to even)
 *   macro:    P = (5/6)/3 = 5/18, R = 1/3, F1 = (10/11)/3 = 10/33
 *   weighted: P = 5*(5/6)/8 = 25/48, R = 5/8, F1 = 5*(10/11)/8 = 25/44
 * Cross-checked once against a numpy re-implementation of sklearn's code.
 */
const namesA = ['T-shirt/top', 'Trouser', 'Pullover'];
const cmA = confusionMatrix([0, 1, 0, 0, 1, 0, 1, 0], [0, 0, 0, 0, 2, 0, 2, 0], 3);

/*
 * Fixture B: 4 classes; "Never seen class" is neither a true label nor a prediction.
 *   cm = [[2,1,0,0],[0,3,0,0],[0,0,0,0],[1,0,0,1]]; support 3,3,0,2; predicted 3,4,0,1.
 *   Coat:   P = 2/3, R = 2/3, F1 = 4/6 = 2/3
 *   Sandal: P = 3/4, R = 3/3 = 1, F1 = 6/7
 *   Never seen class: P, R and F1 all undefined -> 0, three warnings
 *   Bag:    P = 1/1 = 1, R = 1/2, F1 = 2/3
 *   accuracy = 6/8 = 3/4
 *   macro:    P = (2/3 + 3/4 + 0 + 1)/4 = 29/48, R = (2/3 + 1 + 0 + 1/2)/4 = 13/24,
 *             F1 = (2/3 + 6/7 + 0 + 2/3)/4 = 23/42
 *   weighted: P = (2 + 9/4 + 0 + 2)/8 = 25/32 = 0.78125 exactly (prints "0.7812" at 4 digits),
 *             R = 3/4, F1 = (2 + 18/7 + 0 + 4/3)/8 = 31/42
 */
const namesB = ['Coat', 'Sandal', 'Never seen class', 'Bag'];
const cmB = [
  [2, 1, 0, 0],
  [0, 3, 0, 0],
  [0, 0, 0, 0],
  [1, 0, 0, 1],
];

describe('classificationReport', () => {
  it('matches hand-computed per-class metrics (fixture A)', () => {
    const r = classificationReport(cmA, namesA);
    expect(r.classes).toEqual([
      { name: 'T-shirt/top', precision: 5 / 6, recall: 1, f1: 10 / 11, support: 5 },
      { name: 'Trouser', precision: 0, recall: 0, f1: 0, support: 3 },
      { name: 'Pullover', precision: 0, recall: 0, f1: 0, support: 0 },
    ]);
    expect(r.accuracy).toBe(0.625);
    expect(r.totalSupport).toBe(8);
  });

  it('matches hand-computed macro and weighted averages (fixture A)', () => {
    const r = classificationReport(cmA, namesA);
    expect(r.macro.precision).toBeCloseTo(5 / 18, 15);
    expect(r.macro.recall).toBeCloseTo(1 / 3, 15);
    expect(r.macro.f1).toBeCloseTo(10 / 33, 15);
    expect(r.macro.support).toBe(8);
    expect(r.weighted.precision).toBeCloseTo(25 / 48, 15);
    expect(r.weighted.recall).toBe(0.625);
    expect(r.weighted.f1).toBeCloseTo(25 / 44, 15);
    expect(r.weighted.support).toBe(8);
  });

  it('records a warning per ill-defined metric and class, like UndefinedMetricWarning', () => {
    expect(classificationReport(cmA, namesA).warnings).toEqual([
      'Precision is ill-defined and being set to 0.0 for class "Trouser": no predicted samples.',
      'Recall is ill-defined and being set to 0.0 for class "Pullover": no true samples.',
    ]);
    // F1 is only ill-defined when the class has neither true nor predicted samples.
    expect(classificationReport(cmB, namesB).warnings).toEqual([
      'Precision is ill-defined and being set to 0.0 for class "Never seen class": no predicted samples.',
      'Recall is ill-defined and being set to 0.0 for class "Never seen class": no true samples.',
      'F-score is ill-defined and being set to 0.0 for class "Never seen class": no true nor predicted samples.',
    ]);
  });

  it('matches hand-computed metrics (fixture B)', () => {
    const r = classificationReport(cmB, namesB);
    expect(r.classes.map((c) => [c.precision, c.recall, c.f1, c.support])).toEqual([
      [2 / 3, 2 / 3, 4 / 6, 3],
      [3 / 4, 1, 6 / 7, 3],
      [0, 0, 0, 0],
      [1, 1 / 2, 2 / 3, 2],
    ]);
    expect(r.accuracy).toBe(0.75);
    expect(r.macro.precision).toBeCloseTo(29 / 48, 15);
    expect(r.macro.recall).toBeCloseTo(13 / 24, 15);
    expect(r.macro.f1).toBeCloseTo(23 / 42, 15);
    expect(r.weighted.precision).toBe(0.78125);
    expect(r.weighted.recall).toBe(0.75);
    expect(r.weighted.f1).toBeCloseTo(31 / 42, 15);
  });

  it('has no warnings when every class is both present and predicted', () => {
    expect(classificationReport([[3, 1], [2, 4]], ['a', 'b']).warnings).toEqual([]);
  });

  it('rejects malformed input', () => {
    expect(() => classificationReport(cmA, ['a', 'b'])).toThrow(
      'classificationReport: got 2 class names for a 3x3 confusion matrix',
    );
    expect(() => classificationReport([[1, 0], [0]], ['a', 'b'])).toThrow('row 1 has 1 entries, expected 2');
    expect(() => classificationReport([[0.5, 0.5], [0, 1]], ['a', 'b'])).toThrow(
      'cell [0][0] = 0.5 is not a non-negative integer count',
    );
    expect(() => classificationReport([], [])).toThrow('confusion matrix is empty');
    expect(() => classificationReport([[0, 0], [0, 0]], ['a', 'b'])).toThrow('holds no samples');
  });
});

describe('formatClassificationReport', () => {
  it('prints what sklearn prints (fixture A, digits = 2)', () => {
    expect(formatClassificationReport(classificationReport(cmA, namesA))).toMatchInlineSnapshot(`
      "              precision    recall  f1-score   support

       T-shirt/top       0.83      1.00      0.91         5
           Trouser       0.00      0.00      0.00         3
          Pullover       0.00      0.00      0.00         0

          accuracy                           0.62         8
         macro avg       0.28      0.33      0.30         8
      weighted avg       0.52      0.62      0.57         8
      "
    `);
  });

  it('widens the label column for long names and honours digits (fixture B, digits = 4)', () => {
    expect(formatClassificationReport(classificationReport(cmB, namesB), 4)).toMatchInlineSnapshot(`
      "                  precision    recall  f1-score   support

                  Coat     0.6667    0.6667    0.6667         3
                Sandal     0.7500    1.0000    0.8571         3
      Never seen class     0.0000    0.0000    0.0000         0
                   Bag     1.0000    0.5000    0.6667         2

              accuracy                         0.7500         8
             macro avg     0.6042    0.5417    0.5476         8
          weighted avg     0.7812    0.7500    0.7381         8
      "
    `);
  });

  it('prints integers with digits = 0', () => {
    expect(formatClassificationReport(classificationReport(cmB, namesB), 0)).toMatchInlineSnapshot(`
      "                  precision    recall  f1-score   support

                  Coat          1         1         1         3
                Sandal          1         1         1         3
      Never seen class          0         0         0         0
                   Bag          1         0         1         2

              accuracy                              1         8
             macro avg          1         1         1         8
          weighted avg          1         1         1         8
      "
    `);
  });

  it('rejects a bad digits value', () => {
    expect(() => formatClassificationReport(classificationReport(cmA, namesA), -1)).toThrow(
      'digits must be a non-negative integer, got -1',
    );
  });
});

describe('formatFixed (Python float formatting)', () => {
  it('rounds exact ties half to even, unlike toFixed', () => {
    // Python: format(0.125, '.2f') == '0.12'; (0.125).toFixed(2) == '0.13'.
    expect([0.125, 0.375, 0.625, 0.875].map((x) => formatFixed(x, 2))).toEqual(['0.12', '0.38', '0.62', '0.88']);
    expect([0.5, 1.5, 2.5].map((x) => formatFixed(x, 0))).toEqual(['0', '2', '2']);
  });

  it('rounds the exact binary value, so near-ties go the way the double lies', () => {
    // 1.005 is stored as 1.00499999999999989..., 2.675 as 2.67499999999999982...
    expect(formatFixed(1.005, 2)).toBe('1.00');
    expect(formatFixed(2.675, 2)).toBe('2.67');
    expect(formatFixed(1 / 3, 4)).toBe('0.3333');
  });

  it('handles zero, sign, large, tiny and non-finite values as Python does', () => {
    expect(formatFixed(0, 2)).toBe('0.00');
    expect(formatFixed(-0.001, 2)).toBe('-0.00');
    expect(formatFixed(1e22, 3)).toBe('10000000000000000000000.000');
    expect(formatFixed(5e-324, 2)).toBe('0.00');
    expect(formatFixed(Number.NaN, 2)).toBe('nan');
    expect(formatFixed(-Infinity, 2)).toBe('-inf');
  });
});
