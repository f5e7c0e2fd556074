import { dirname, resolve } from 'node:path';
import { crossValidate, formatDuration, formatIssues, runExperiment, sampleCandidates, type Candidate, type LoadedSpec, type SearchResult } from '@modelspec/core';
import { nodeBackend, RunRecorder } from '@modelspec/backend-node';
import { loadSpecFile, shown, specLoader } from '../spec-files.js';
import { runOverrides } from '../overrides.js';
import { Progress } from '../progress.js';
import type { Io } from '../io.js';
import { interruptible } from '../interrupt.js';
import { VERSION } from '../version.js';
import { modelMetadata } from '../metadata.js';

export interface SearchOptions {
  limit?: number;
  testLimit?: number;
  epochs?: number;
  candidates?: number;
  folds?: number;
  set?: Record<string, unknown>;
  engine?: string;
  out: string;
  json?: boolean;
}

const fmt = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)).toString() : String(v));

/** sklearn's cv_results_, as a table: rank, mean ± std of the fold scores, time, and the candidate's values. */
export function cvTable(r: SearchResult): string[] {
  const keys = Object.keys(r.candidates[0]!.params);
  const head = ['rank', `mean ${r.scoreBy}`, 'std', 'fit s', ...keys, 'fold scores'];
  const rows = [...r.candidates]
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((c) => [String(c.rank), c.mean.toFixed(4), c.std.toFixed(4), c.meanFitSeconds.toFixed(1), ...keys.map((k) => fmt(c.params[k])), c.foldScores.map((s) => s.toFixed(4)).join(' ')]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)];
}

/** RandomizedSearchCV over the spec's `search` section, then a refit of the best candidate, recorded as a run. */
export async function searchCommand(path: string, o: SearchOptions, io: Io): Promise<number> {
  const base = await loadSpecFile(path, undefined, runOverrides(o));
  if (!base.ok) {
    io.err(formatIssues(base.issues, base.file));
    return 1;
  }
  const search = base.spec.search;
  if (!search) {
    io.err(`${base.file}: this spec has no search section (see the schema's "search")`);
    return 1;
  }
  const settings = { ...search, candidates: o.candidates ?? search.candidates, folds: o.folds ?? search.folds };
  const sampled = sampleCandidates(settings);
  const candidates: { params: Candidate; loaded: LoadedSpec }[] = [];
  for (const params of sampled) {
    const r = await loadSpecFile(path, undefined, { ...runOverrides(o), ...params });
    if (!r.ok) {
      io.err(`candidate ${JSON.stringify(params)} is not a valid spec:`);
      io.err(formatIssues(r.issues, r.file));
      return 1;
    }
    candidates.push({ params, loaded: r });
  }
  io.err(`${base.spec.name}: ${candidates.length} candidates x ${settings.folds} folds, ranked by ${settings.scoreBy}`);
  const interrupt = interruptible(io);
  const backend = nodeBackend({ specDir: dirname(resolve(path)) });
  const progress = new Progress(io, base.spec.training.epochs, base.spec.name);
  const searchStart = performance.now();
  try {
    const result = await crossValidate(candidates, backend, specLoader().reg, { folds: settings.folds, scoreBy: settings.scoreBy, limit: o.limit, engine: o.engine }, {
      onEngine: (e) => io.err(`${base.spec.name}: engine ${e.name}`),
      onBatch: (p) => progress.batch(p),
      onFold: (f) => {
        const done = (f.candidate - 1) * f.folds + f.fold, total = f.candidates * f.folds;
        const eta = ((performance.now() - searchStart) / 1000 / done) * (total - done);
        const left = total > done ? `; ETA ${formatDuration(eta)} for the other ${total - done} fold(s)${settings.refit ? ', then the refit' : ''}` : '';
        io.err(`${base.spec.name}: candidate ${f.candidate}/${f.candidates} fold ${f.fold}/${f.folds}: ${settings.scoreBy} ${f.score.toFixed(4)}${left}`);
      },
      shouldStop: () => interrupt.stopped,
    });
    const table = cvTable(result);
    if (!o.json) for (const l of table) io.out(l);

    let refit: { run: string; test: Record<string, number> | null } | null = null;
    if (settings.refit) {
      const best = candidates[result.best.index]!;
      io.err(`${base.spec.name}: refitting the best candidate ${JSON.stringify(best.params)} on the whole training set`);
      let recorder: RunRecorder | null = null;
      const run = await runExperiment(best.loaded, backend, specLoader().reg, { engine: result.engine.name, limit: o.limit, testLimit: o.testLimit }, {
        onStart: async (info) => {
          recorder = await RunRecorder.start(resolve(o.out), { ...info, specFile: resolve(path), overrides: { ...runOverrides(o), ...best.params }, modelspecVersion: VERSION });
          await recorder.folder.writeJson('search.json', { settings, result, table });
        },
        onBatch: (p) => progress.batch(p),
        onEpoch: async (e) => {
          progress.epoch(e);
          await recorder?.epoch(e);
        },
        shouldStop: () => interrupt.stopped,
      });
      const rec = recorder as RunRecorder | null;
      await rec!.finish(run, modelMetadata(run));
      run.model.dispose();
      refit = { run: rec!.path, test: run.test?.values ?? null };
      if (!o.json) {
        io.out(`best: ${JSON.stringify(best.params)} (mean ${settings.scoreBy} ${result.best.mean.toFixed(4)} ± ${result.best.std.toFixed(4)})`);
        if (run.test) io.out(`refit on ${run.data.counts.train} images: test accuracy ${run.test.values['accuracy']?.toFixed(4)}, test loss ${run.test.values['loss']?.toFixed(4)}`);
        io.out(`run folder: ${shown(rec!.path)}`);
      }
    }
    if (o.json) io.out(JSON.stringify({ settings, result, refit }, null, 2));
    return 0;
  } finally {
    interrupt.release();
  }
}
