/**
 * What the benchmark's own step times say about reproducing the whole
 * published table: the training FLOPs of every spec's model (and of every
 * candidate of a spec's search), and the training time of a full
 * `modelspec reproduce specs/` on one engine.
 */
import { compileModel, createSpecLoader, sampleCandidates } from '@modelspec/core';
import { readFileSync } from 'node:fs';
import type { PublishedSpec, StepTiming } from './specs.js';
import { readSpecFile, registries } from './specs.js';
import { modelTrainFlops } from './throughput.js';
import { stepGemms, type Gemm } from './gemm-floor.js';

export interface SpecCost {
  name: string;
  /** Training FLOPs per example of the spec's model as written. */
  flopsPerExample: number;
  /** The matrix products of one training step at the spec's batch (gemm-floor.ts), or why not modelled. */
  gemms: Gemm[] | string;
  /** Seeds a reproduction trains (the spec's `reproduce.seeds`) and epochs each (early stopping may end one sooner). */
  seeds: number;
  epochs: number;
  /** The spec's search, when `reproduce` runs it: every candidate trains on every fold. */
  search: {
    folds: number;
    epochs: number;
    /** Training examples of one fold: the spec's training examples less one fold. */
    foldExamples: number;
    foldSteps: number;
    candidates: { params: Record<string, unknown>; flopsPerExample: number; gemms: Gemm[] | string }[];
  } | null;
}

/** Each spec's FLOPs, seeds and epochs, and its search's candidates (sampled as `reproduce` samples them). */
export async function specCosts(specs: readonly PublishedSpec[]): Promise<SpecCost[]> {
  const loader = createSpecLoader(registries);
  const flopsOf = (s: PublishedSpec['loaded']) => {
    const m = compileModel(s.spec, s.check.graph, registries);
    try {
      return { flopsPerExample: modelTrainFlops(m), gemms: stepGemms(m, s.spec.training.batchSize) };
    } finally {
      m.dispose();
    }
  };
  const out: SpecCost[] = [];
  for (const p of specs) {
    const { spec } = p.loaded;
    let search: SpecCost['search'] = null;
    if (spec.search && spec.reproduce.search) {
      const candidates: { params: Record<string, unknown>; flopsPerExample: number; gemms: Gemm[] | string }[] = [];
      for (const params of sampleCandidates(spec.search)) {
        const r = await loader.loadComposed(readFileSync(p.file, 'utf8'), p.file, readSpecFile, { overrides: params });
        if (!r.ok) throw new Error(`${p.name}: search candidate ${JSON.stringify(params)} does not load`);
        candidates.push({ params, ...flopsOf(r) });
      }
      const foldExamples = Math.floor((p.trainExamples * (spec.search.folds - 1)) / spec.search.folds);
      search = { folds: spec.search.folds, epochs: spec.training.epochs, foldExamples, foldSteps: Math.ceil(foldExamples / p.batch), candidates };
    }
    out.push({ name: p.name, ...flopsOf(p.loaded), seeds: spec.reproduce.seeds.length, epochs: spec.training.epochs, search });
  }
  return out;
}

export interface TableTime {
  engine: string;
  /** Trials at once: 1 (one after another, every engine thread), or the processes of `--workers`. */
  concurrency: number;
  rows: { name: string; seedsSeconds: number; searchSeconds: number }[];
  totalSeconds: number;
  /** Specs without a step time on this engine (not in the total). */
  missing: string[];
}

/**
 * The training time of reproducing every spec on `engine`: seeds x epochs x
 * epoch time, plus, for a search, candidates x folds x epochs on a fold's
 * examples, each candidate's step time taken as the spec's scaled by the
 * candidate's FLOPs over the spec's. With `concurrency` trials at once (each
 * at `step`'s time, measured while the others ran), seeds take
 * ceil(seeds / concurrency) rounds, and a search's trials their sum over
 * `concurrency` (at least its longest). With `alone` (the step time of a
 * trial with every thread), a last round of one seed takes that time: the
 * pool gives a trial left alone all the cores. Leaves out data loading,
 * validation and test passes, and epochs early stopping saves.
 */
export function tableTime(engine: string, specs: readonly PublishedSpec[], costs: readonly SpecCost[], step: (spec: string) => number | undefined, concurrency = 1, alone?: (spec: string) => number | undefined): TableTime {
  const rows: TableTime['rows'] = [];
  const missing: string[] = [];
  for (const p of specs) {
    const c = costs.find((x) => x.name === p.name);
    const t = step(p.name);
    if (!c || t === undefined) {
      missing.push(p.name);
      continue;
    }
    const lone = c.seeds % concurrency === 1 ? alone?.(p.name) : undefined;
    const seedsSeconds = (lone === undefined ? Math.ceil(c.seeds / concurrency) * t : Math.floor(c.seeds / concurrency) * t + lone) * c.epochs * p.stepsPerEpoch;
    let searchSeconds = 0;
    if (c.search) {
      const s = c.search;
      const trials = s.candidates.flatMap((k) => Array.from({ length: s.folds }, () => s.epochs * s.foldSteps * t * (k.flopsPerExample / c.flopsPerExample)));
      searchSeconds = Math.max(trials.reduce((a, x) => a + x, 0) / concurrency, Math.max(...trials));
    }
    rows.push({ name: p.name, seedsSeconds, searchSeconds });
  }
  return { engine, concurrency, rows, totalSeconds: rows.reduce((a, r) => a + r.seedsSeconds + r.searchSeconds, 0), missing };
}

/**
 * The training FLOPs of reproducing every spec (seeds x epochs x training
 * examples x FLOPs per example, and every search candidate on every fold),
 * counted as the throughput models are: what any engine must compute.
 */
export function tableFlops(specs: readonly PublishedSpec[], costs: readonly SpecCost[]): number {
  let flops = 0;
  for (const p of specs) {
    const c = costs.find((x) => x.name === p.name);
    if (!c) continue;
    flops += c.seeds * c.epochs * p.trainExamples * c.flopsPerExample;
    if (c.search) for (const k of c.search.candidates) flops += c.search.folds * c.search.epochs * c.search.foldExamples * k.flopsPerExample;
  }
  return flops;
}

export interface TableFloor {
  rows: { name: string; stepSeconds: number; seconds: number }[];
  totalSeconds: number;
  /** Specs or search candidates whose products are not modelled (not in the total). */
  missing: string[];
}

/**
 * The whole table's time if every step took only its products' time
 * (`floor`, gemm-floor.ts): each spec's seeds x epochs x steps per epoch,
 * and every candidate of its search on every fold, at that step time.
 */
export function tableFloor(specs: readonly PublishedSpec[], costs: readonly SpecCost[], floor: (gs: readonly Gemm[]) => number): TableFloor {
  const rows: TableFloor['rows'] = [];
  const missing: string[] = [];
  for (const p of specs) {
    const c = costs.find((x) => x.name === p.name);
    if (!c) continue;
    if (typeof c.gemms === 'string') {
      missing.push(`${p.name} (${c.gemms})`);
      continue;
    }
    const stepSeconds = floor(c.gemms);
    let seconds = c.seeds * c.epochs * p.stepsPerEpoch * stepSeconds;
    for (const k of c.search?.candidates ?? []) {
      if (typeof k.gemms === 'string') missing.push(`${p.name} candidate ${JSON.stringify(k.params)} (${k.gemms})`);
      else seconds += c.search!.folds * c.search!.epochs * c.search!.foldSteps * floor(k.gemms);
    }
    rows.push({ name: p.name, stepSeconds, seconds });
  }
  return { rows, totalSeconds: rows.reduce((a, r) => a + r.seconds, 0), missing };
}
