import type { ResolvedModelSpec } from '../spec/schema.js';
import type { MetricKey } from '../spec/sections.js';
import type { ExperimentResult } from '../training/experiment.js';
import { figureStatistics } from './stats.js';
import type { FigureComparison, PredictionRecord, Reproduction, RunSummary, Verdict } from './types.js';

const ALL_KEYS: MetricKey[] = ['testAccuracy', 'testLoss', 'valAccuracy', 'valLoss', 'trainAccuracy', 'trainLoss', 'bestValAccuracy', 'macroPrecision', 'macroRecall'];

/** The figure keys one finished run can give, from its history and test evaluation. */
export function measuredFigures(history: ExperimentResult['history'], test: ExperimentResult['test']): Partial<Record<MetricKey, number>> {
  const last = history[history.length - 1];
  const out: Partial<Record<MetricKey, number>> = {};
  const put = (k: MetricKey, v: number | undefined) => {
    if (v !== undefined && Number.isFinite(v)) out[k] = v;
  };
  put('testAccuracy', test?.values['accuracy']);
  put('testLoss', test?.values['loss']);
  put('trainAccuracy', last?.train['accuracy']);
  put('trainLoss', last?.train['loss']);
  put('valAccuracy', last?.val?.['accuracy']);
  put('valLoss', last?.val?.['loss']);
  const vals = history.map((h) => h.val?.['accuracy']).filter((v): v is number => v !== undefined);
  if (vals.length) put('bestValAccuracy', Math.max(...vals));
  put('macroPrecision', test?.report.macro.precision);
  put('macroRecall', test?.report.macro.recall);
  return out;
}

/** A run in memory as the report needs it. `pixelsOf` gives a test image's raw pixels for the grid. */
export function summarizeRun(r: ExperimentResult, location: string | null, pixelsOf?: (index: number) => { pixels: string; height: number; width: number } | undefined): RunSummary {
  return {
    location,
    seed: r.spec.seed,
    engine: r.engine.name,
    stopReason: r.stopReason,
    history: r.history,
    measured: measuredFigures(r.history, r.test),
    test: r.test
      ? { confusion: r.test.confusion, report: r.test.report, predictions: r.test.predictions.map((p): PredictionRecord => ({ ...p, ...(pixelsOf?.(p.index) ?? {}) })) }
      : null,
    trainSeconds: r.seconds.train,
    weightsSha256: r.weightsSha256,
  };
}

function stats(values: number[]) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std, values };
}

/**
 * Published figures against the mean over seeds. A figure is reproduced when
 * |mean - published| <= its tolerance (the figure's own, else the reference's).
 * Measured figures with nothing published are listed too, marked so.
 */
export function compareWithReference(spec: ResolvedModelSpec, runs: RunSummary[]): { figures: FigureComparison[]; verdict: Verdict } {
  const ref = spec.reference;
  const figures: FigureComparison[] = [];
  for (const f of ref?.figures ?? []) {
    const values = runs.map((r) => r.measured[f.metric]).filter((v): v is number => v !== undefined);
    // Specs resolved before lossTolerance existed (old run folders) have none: use the schema default.
    const tolerance = f.tolerance ?? (f.metric.toLowerCase().includes('loss') ? ref!.lossTolerance ?? 0.03 : ref!.tolerance);
    const measured = values.length ? stats(values) : null;
    const difference = measured ? measured.mean - f.value : null;
    figures.push({
      metric: f.metric,
      published: f.value,
      source: f.source,
      note: f.note,
      tolerance,
      measured,
      difference,
      verdict: difference === null ? 'not-measured' : Math.abs(difference) <= tolerance + 1e-12 ? 'reproduced' : 'not-reproduced',
      statistics: figureStatistics(values, f.value, tolerance, undefined, f.metric.toLowerCase().includes('loss') ? [0, Infinity] : [0, 1]),
    });
  }
  for (const k of ALL_KEYS) {
    if (figures.some((f) => f.metric === k)) continue;
    const values = runs.map((r) => r.measured[k]).filter((v): v is number => v !== undefined);
    if (!values.length || !k.startsWith('test')) continue;
    figures.push({ metric: k, published: null, source: null, note: '', tolerance: null, measured: stats(values), difference: null, verdict: 'nothing-published', statistics: null });
  }
  const published = figures.filter((f) => f.published !== null);
  const verdict: Verdict = !published.length ? 'nothing-published' : published.every((f) => f.verdict === 'reproduced') ? 'reproduced' : published.some((f) => f.verdict === 'not-measured') && published.every((f) => f.verdict !== 'not-reproduced') ? 'not-measured' : 'not-reproduced';
  return { figures, verdict };
}

export function buildReproduction(spec: ResolvedModelSpec, specFile: string, classNames: string[], runs: RunSummary[], wallSeconds: number, conditions: string[] = [], date = new Date(), checks: string[] = []): Reproduction {
  const { figures, verdict } = compareWithReference(spec, runs);
  return { spec, specFile, classNames, runs, figures, verdict, conditions, checks, engine: [...new Set(runs.map((r) => r.engine))].join(', '), date: date.toISOString(), wallSeconds };
}
