import { dirname, resolve } from 'node:path';
import { formatIssues, measuredFigures, runExperiment, type ExperimentResult } from '@modelspec/core';
import { nodeBackend, RunRecorder } from '@modelspec/backend-node';
import { loadSpecFile, shown, specLoader } from '../spec-files.js';
import { runOverrides } from '../overrides.js';
import { Progress } from '../progress.js';
import type { Io } from '../io.js';
import { interruptible } from '../interrupt.js';
import { VERSION } from '../version.js';
import { modelMetadata } from '../metadata.js';

export interface TrainOptions {
  seed?: number;
  epochs?: number;
  limit?: number;
  testLimit?: number;
  out: string;
  engine?: string;
  json?: boolean;
  set?: Record<string, unknown>;
  memoryBudget?: number;
}

/** Published figures next to measured ones, for the end of a run. */
function comparison(result: ExperimentResult): string[] {
  const figures = result.spec.reference?.figures ?? [];
  return Object.entries(measuredFigures(result.history, result.test))
    .filter(([k]) => k.startsWith('test') || figures.some((f) => f.metric === k))
    .map(([k, v]) => {
      const f = figures.find((x) => x.metric === k);
      return `  ${k.padEnd(15)} ${v.toFixed(4)}${f ? `   published ${f.value} (${v - f.value >= 0 ? '+' : ''}${(v - f.value).toFixed(4)})` : ''}`;
    });
}

export async function trainCommand(specPath: string, o: TrainOptions, io: Io): Promise<number> {
  const overrides = runOverrides(o);
  const loaded = await loadSpecFile(specPath, o.memoryBudget, overrides);
  if (!loaded.ok) {
    io.err(formatIssues(loaded.issues, loaded.file));
    return 1;
  }
  if (loaded.issues.length) io.err(formatIssues(loaded.issues, loaded.file));
  const { spec } = loaded;
  const backend = nodeBackend({ specDir: dirname(resolve(specPath)) });
  const progress = new Progress(io, spec.training.epochs, spec.name);
  let recorder: RunRecorder | null = null;
  const interrupt = interruptible(io, 'finishing the current batch, keeping the last complete epoch (Ctrl-C again to quit now)');
  try {
    const result = await runExperiment(loaded, backend, specLoader().reg, { engine: o.engine, limit: o.limit, testLimit: o.testLimit }, {
      onEngine: (e, from) => io.err(`${spec.name}: engine ${e.name}${from ? ` (${from.name} cannot train this model: ${from.reason})` : ''}`),
      onStart: async (info) => {
        recorder = await RunRecorder.start(resolve(o.out), { ...info, specFile: resolve(specPath), overrides, modelspecVersion: VERSION });
        io.err(`${spec.name}: seed ${spec.seed}, ${info.counts.train} training / ${info.counts.validation} validation / ${info.counts.test} test examples → ${shown(recorder.path)}`);
      },
      onBatch: (p) => progress.batch(p),
      onEpoch: async (r) => {
        progress.epoch(r);
        await recorder?.epoch(r);
      },
      shouldStop: () => interrupt.stopped,
    });
    await recorder!.finish(result, modelMetadata(result));
    result.model.dispose();
    if (o.json) {
      io.out(JSON.stringify({ run: recorder!.path, ...(await recorder!.folder.readJson<object>('metrics.json')) }, null, 2));
    } else {
      io.out(`${spec.name}: ${result.stopReason}, ${result.history.length} epoch(s) in ${result.seconds.train.toFixed(1)}s on ${result.engine.name}`);
      for (const l of comparison(result)) io.out(l);
      io.out(`  run folder      ${shown(recorder!.path)}`);
    }
    return result.stopReason === 'interrupted' ? 130 : 0;
  } catch (e) {
    if (recorder) await (recorder as RunRecorder).fail(e);
    throw e;
  } finally {
    interrupt.release();
  }
}
