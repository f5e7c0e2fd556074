// The same job trained in Node through core and backend-node's engines: the other side of the parity check.
import { readFileSync } from 'node:fs';
import { createPluginHost, createSpecLoader, formatIssues, makeJob, runJob, type BatchProgress, type RunOutcome } from '@modelspec/core';
import { nodeBackend, nodePlugin } from '@modelspec/backend-node';

export interface TrainSettings {
  spec: string;
  seed: number;
  epochs: number;
  limit: number;
  testLimit: number;
}

export interface TrainedRun {
  status: string;
  engine: string;
  batches: BatchProgress[];
  outcome: RunOutcome;
}

/** Decoded datasets shared by the Node runs (the page's worker keeps its own the same way). */
const dataCache = new Map();

export async function trainInNode(root: string, s: TrainSettings, engine: 'cpu' | 'wasm'): Promise<TrainedRun> {
  const host = createPluginHost([{ plugin: nodePlugin }]);
  const overrides = { seed: s.seed, 'training.epochs': s.epochs };
  const loaded = createSpecLoader(host.registries).load(readFileSync(`${root}/${s.spec}`, 'utf8'), s.spec, { overrides });
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  const job = makeJob({ spec: loaded.spec, specFile: s.spec, overrides, limit: s.limit, testLimit: s.testLimit, engine, plugins: host.records() });
  const batches: BatchProgress[] = [];
  const outcome = await runJob(job, {
    registries: host.registries,
    backend: nodeBackend({ engines: host.engineList() }),
    plugins: host.records(),
    dataCache,
    onEvent: (e) => void (e.type === 'batch' && batches.push(e.progress)),
  });
  return { status: outcome.status, engine: outcome.engine.name, batches, outcome };
}

/** Every number the two runs report, in order: running losses, epoch metrics, test figures. */
export function figures(r: TrainedRun): number[] {
  const s = r.outcome.summary!;
  const epoch = s.history.flatMap((h) => [...Object.keys(h.train).sort().map((k) => h.train[k]!), ...Object.keys(h.val ?? {}).sort().map((k) => h.val![k]!)]);
  const test = Object.keys(s.measured).sort().map((k) => s.measured[k as keyof typeof s.measured]!);
  return [...r.batches.map((b) => b.loss), ...epoch, ...test];
}

export function compare(a: TrainedRun, b: TrainedRun): { values: number; bitEqual: boolean; maxAbs: number; maxRel: number; sameWeights: boolean } {
  const x = figures(a);
  const y = figures(b);
  if (x.length !== y.length) throw new Error(`the runs report ${x.length} and ${y.length} numbers`);
  let maxAbs = 0;
  let maxRel = 0;
  x.forEach((v, i) => {
    const d = Math.abs(v - y[i]!);
    maxAbs = Math.max(maxAbs, d);
    maxRel = Math.max(maxRel, d / Math.max(Math.abs(v), 1e-12));
  });
  return { values: x.length, bitEqual: x.every((v, i) => Object.is(v, y[i])), maxAbs, maxRel, sameWeights: a.outcome.summary!.weightsSha256 === b.outcome.summary!.weightsSha256 };
}
