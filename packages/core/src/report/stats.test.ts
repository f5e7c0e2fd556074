import { describe, expect, it } from 'vitest';
import { figureStatistics, studentTCdf, studentTQuantile } from './stats.js';

describe('Student t', () => {
  it('matches scipy.stats.t.ppf', () => {
    // scipy.stats.t.ppf(0.975, df) for df 1, 2, 4, 9, 30
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736, 6);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302652730, 6);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445105, 6);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157163, 6);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272456, 6);
    expect(studentTQuantile(0.025, 2)).toBeCloseTo(-4.302652730, 6);
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
  });
});

describe('figureStatistics', () => {
  it('needs two seeds', () => {
    expect(figureStatistics([0.9], 0.9, 0.01)).toBeNull();
  });

  it('a wide spread against a narrow tolerance is inconclusive, the published run a plausible draw', () => {
    // e-additional-layers' test loss over seeds 1, 2, 3 (reports/e-additional-layers-20261122-144535/report.json)
    const s = figureStatistics([10.978034872436524, 7.943207273864746, 11.16945579071045], 10.56, 0.03)!;
    expect(s.decision).toBe('inconclusive');
    expect(s.publishedInPredictionInterval).toBe(true);
    expect(s.predictionInterval[0]).toBeCloseTo(10.0302 - 4.302653 * 1.80990 * Math.sqrt(4 / 3), 2);
    expect(s.seedsToDecide).toBeGreaterThan(30);
  });

  it('a mean clear of the tolerance with a tight spread is not reproduced, and the published run implausible', () => {
    const s = figureStatistics([0.921, 0.9212, 0.9208], 0.96, 0.02)!;
    expect(s).toMatchObject({ decision: 'not-reproduced', publishedInPredictionInterval: false, seedsToDecide: null });
  });

  it('a tight spread well inside the tolerance is reproduced', () => {
    expect(figureStatistics([0.8821, 0.8824, 0.8827], 0.8824, 0.01)!.decision).toBe('reproduced');
  });

  it('identical seeds decide at once', () => {
    expect(figureStatistics([0.5, 0.5], 0.6, 0.05)!.decision).toBe('not-reproduced');
  });
});
