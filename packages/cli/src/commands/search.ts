import { dirname, resolve } from 'node:path';
import { cvTable, scoreText, formatDuration, formatIssues, sampleCandidates, search as runSearch, type Candidate, type ResolvedModelSpec } from '@modelspec/core';
import { loadSpecFile, shown } from '../spec-files.js';
import { runOverrides } from '../overrides.js';
import { Progress } from '../progress.js';
import type { Io } from '../io.js';
import { interruptible } from '../interrupt.js';
import { composed } from '../compose.js';
import { renderRunEvent } from '../events.js';
import { checkOutDir } from '../output-dir.js';

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
  /** Run every fold anew instead of reusing finished ones. */
  fresh?: boolean;
  /** Run the trials on the workers of this Redis queue, or in this many local processes. */
  queue?: string;
  workers?: number;
}

export { cvTable };

/** RandomizedSearchCV over the spec's `search` section (core's search over fold jobs), then a refit of the best candidate, recorded as a run. */
export async function searchCommand(path: string, o: SearchOptions, io: Io): Promise<number> {
  await checkOutDir(o.out);
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
  const candidates: { params: Candidate; spec: ResolvedModelSpec }[] = [];
  for (const params of sampled) {
    const r = await loadSpecFile(path, undefined, { ...runOverrides(o), ...params });
    if (!r.ok) {
      io.err(`candidate ${JSON.stringify(params)} is not a valid spec:`);
      io.err(formatIssues(r.issues, r.file));
      return 1;
    }
    candidates.push({ params, spec: r.spec });
  }
  io.err(`${base.spec.name}: ${candidates.length} candidates x ${settings.folds} folds, ranked by ${settings.scoreBy}`);
  const c = composed();
  const interrupt = interruptible(io, 'finishing the current batch; no further folds (Ctrl-C again to quit now)');
  // a queue's store keeps finished folds, not a fold's checkpoint
  const goOn = `run the same command again to go on: finished folds are reused${o.queue ? '' : ', a fold stopped part-way resumes from its last checkpoint'}`;
  const progress = new Progress(io, base.spec.training.epochs, base.spec.name);
  const searchStart = performance.now();
  let announced = false;
  try {
    const out = await runSearch(
      {
        candidates,
        folds: settings.folds,
        scoreBy: settings.scoreBy,
        refit: settings.refit,
        specFile: shown(path),
        overrides: runOverrides(o),
        limit: o.limit,
        testLimit: o.testLimit,
        engine: o.engine,
        plugins: c.host.records(),
        settings,
      },
      c.executor({ specDir: dirname(resolve(path)), out: o.out, signal: interrupt, fresh: o.fresh, queue: o.queue, workers: o.workers }),
      {
        onEvent: (e, where) => {
          if (e.type === 'started' && !announced) {
            announced = true;
            io.err(`${base.spec.name}: engine ${e.engine.name}`);
          }
          renderRunEvent(e, io, progress, where.fold === null ? base.spec.name : `${base.spec.name}: candidate ${where.candidate}/${where.candidates} fold ${where.fold}/${where.folds}`);
        },
        onFold: (f) => {
          const done = (f.candidate - 1) * f.folds + f.fold,
            total = f.candidates * f.folds;
          const eta = ((performance.now() - searchStart) / 1000 / done) * (total - done);
          const left = total > done ? `; ETA ${formatDuration(eta)} for the other ${total - done} fold(s)${settings.refit ? ', then the refit' : ''}` : '';
          io.err(`${base.spec.name}: candidate ${f.candidate}/${f.candidates} fold ${f.fold}/${f.folds}: ${settings.scoreBy} ${scoreText(f.score)}${left}`);
        },
        onRefit: (best, result) => {
          if (!o.json) for (const l of cvTable(result)) io.out(l);
          io.err(`${base.spec.name}: refitting the best candidate ${JSON.stringify(best.params)} on the whole training set`);
        },
        shouldStop: () => interrupt.stopped,
      },
    );
    if (!out) {
      io.err(`${base.spec.name}: interrupted before the search was done; ${goOn}`);
      return 130;
    }
    const { result, table, refit } = out;
    if (!refit && !o.json) for (const l of table) io.out(l);
    let refitJson: { run: string | null; test: Record<string, number> | null } | null = null;
    if (refit) {
      const best = candidates[result.best.index]!;
      const test = refit.summary?.measured ?? {};
      refitJson = { run: refit.location, test: refit.summary?.test ? { accuracy: test.testAccuracy!, loss: test.testLoss! } : null };
      if (!o.json) {
        io.out(`best: ${JSON.stringify(best.params)} (mean ${settings.scoreBy} ${result.best.mean.toFixed(4)} ± ${result.best.std.toFixed(4)})`);
        if (refit.summary?.test) io.out(`refit on ${refit.counts.train} images: test accuracy ${test.testAccuracy?.toFixed(4)}, test loss ${test.testLoss?.toFixed(4)}`);
        if (refit.location) io.out(`run folder: ${shown(refit.location)}`);
      }
      if (refit.status === 'interrupted') return 130;
    }
    if (o.json) io.out(JSON.stringify({ settings, result, refit: refitJson }, null, 2));
    return interrupt.stopped ? 130 : 0;
  } finally {
    interrupt.release();
  }
}
