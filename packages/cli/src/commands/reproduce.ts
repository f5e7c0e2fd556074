import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { cvTable, scoreText, formatIssues, METRIC_LABELS, ModelspecError, overallDecision, reproduce, sampleCandidates, shownVerdict, unmeasuredRow, type Candidate, type LoadedSpec, type Reproduction, type ResolvedModelSpec } from '@modelspec/core';
import { renderReport } from '@modelspec/backend-node';
import { updateReproductionsTable } from '../table-file.js';
import { expandSpecPaths, loadSpecFile, shown, warningLines } from '../spec-files.js';
import { runOverrides } from '../overrides.js';
import { Progress } from '../progress.js';
import type { Io } from '../io.js';
import { interruptible } from '../interrupt.js';
import { composed } from '../compose.js';
import { EXIT } from '../exit-codes.js';
import { renderRunEvent } from '../events.js';
import { checkOutDir } from '../output-dir.js';
import { reportEnvironment } from '../report-environment.js';
import { openSitting, sittingKey } from '../sittings.js';

export interface ReproduceOptions {
  reports: string;
  writeTable?: boolean;
  seeds?: number[];
  /** At most this many seeds in all, adding seeds while a figure is inconclusive (default: the spec's reproduce.maxSeeds). */
  maxSeeds?: number;
  epochs?: number;
  limit?: number;
  testLimit?: number;
  engine?: string;
  out: string;
  set?: Record<string, unknown>;
  check?: boolean;
  json?: boolean;
  /** Run every seed anew instead of reusing finished ones and resuming unfinished ones. */
  fresh?: boolean;
  /** Run the trials on the workers of this Redis queue, or in this many local processes. */
  queue?: string;
  workers?: number;
  onReproduction?: (r: Reproduction) => Promise<void>;
}

const pct = (v: number, metric: string) => (metric.toLowerCase().includes('loss') ? v.toFixed(4) : `${(v * 100).toFixed(2)}%`);

/**
 * A new folder: `name`, or `name-2`, `name-3`, ... when it exists (reports are never overwritten).
 * `root` was checked by checkOutDir: Node's recursive mkdir loops forever at 100% CPU where
 * folders cannot be made (/proc), so it only runs where they can. Only EEXIST is retried, a bounded
 * number of times; any other error (ENOSPC, EACCES, ENOTDIR) is thrown for main to render as one line.
 */
async function uniqueDir(root: string, name: string): Promise<string> {
  await mkdir(root, { recursive: true });
  for (let i = 1; i <= 1000; i++) {
    const dir = join(root, i === 1 ? name : `${name}-${i}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new ModelspecError('bad-output', `${shown(root)}: ${name} and 999 numbered folders beside it exist already`, 'choose another --reports');
}

/**
 * The table covers every spec in the folder of `path`: their names, and what
 * each spec says about its published figures (shown for those not reproduced).
 */
async function tableContext(path: string): Promise<{ all: string[]; explanations: Record<string, string | undefined> }> {
  const files = await expandSpecPaths([dirname(resolve(path))]);
  const explanations: Record<string, string | undefined> = {};
  for (const f of files) {
    const r = await loadSpecFile(f);
    if (r.ok) explanations[r.spec.name] = r.spec.reference?.notes ?? undefined;
  }
  return { all: files.map((f) => basename(f).replace(/\.(ya?ml|json)$/, '')), explanations };
}

/** The ways a reproduction departs from the published settings, in the words of the command line. */
export function conditions(o: ReproduceOptions): string[] {
  return [
    ...(o.limit !== undefined ? [`--limit ${o.limit}`] : []),
    ...(o.testLimit !== undefined ? [`--test-limit ${o.testLimit}`] : []),
    ...(o.epochs !== undefined ? [`--epochs ${o.epochs}`] : []),
    ...Object.entries(o.set ?? {}).map(([k, v]) => `--set ${k}=${JSON.stringify(v)}`),
  ];
}

export function formatReproduction(r: Reproduction): string[] {
  const reduced = r.conditions.length > 0;
  const lines = [`${r.spec.name}: ${reduced ? 'REDUCED RUN' : overallDecision(r).toUpperCase()} over ${r.runs.length} seed(s) [${r.runs.map((x) => x.seed).join(', ')}] on ${r.engine}`];
  if (reduced) lines.push(`  reduced run (${r.conditions.join(' ')}): the verdicts do not speak for the published settings`);
  for (const f of r.figures) {
    const m = f.measured ? `${pct(f.measured.mean, f.metric)} ± ${pct(f.measured.std, f.metric)}` : 'not measured';
    const p = f.published !== null ? `published ${pct(f.published, f.metric)}, diff ${f.difference !== null ? (f.difference >= 0 ? '+' : '') + pct(f.difference, f.metric) : 'n/a'}, tolerance ${pct(f.tolerance!, f.metric)}` : 'nothing published';
    const s = f.statistics;
    const pi = s ? `; one new run: ${pct(s.predictionInterval[0], f.metric)} to ${pct(s.predictionInterval[1], f.metric)} (published ${s.publishedInPredictionInterval ? 'inside: plausible' : 'outside: implausible'})` : '';
    lines.push(`  ${f.metric.padEnd(16)} ${m.padEnd(20)} ${p}  → ${shownVerdict(f, reduced).word}${pi}`);
  }
  return lines;
}

const throughSearchOf = (spec: ResolvedModelSpec) => !!(spec.reproduce.search && spec.search);

/** Each candidate of the spec's search with the spec it makes, as `modelspec search` samples them. */
async function searchCandidates(path: string, spec: ResolvedModelSpec, o: ReproduceOptions): Promise<{ params: Candidate; spec: ResolvedModelSpec }[]> {
  const candidates: { params: Candidate; spec: ResolvedModelSpec }[] = [];
  for (const params of sampleCandidates(spec.search!)) {
    const r = await loadSpecFile(path, undefined, { ...runOverrides(o), ...params });
    if (!r.ok) throw new ModelspecError('bad-spec', `${shown(path)}: search candidate ${JSON.stringify(params)} is not a valid spec: ${r.issues[0]?.message ?? 'invalid'}`);
    candidates.push({ params, spec: r.spec });
  }
  return candidates;
}

/** Runs each spec under several seeds (core's reproduce over run jobs) and compares the mean ± std with the published figures. */
export async function reproduceCommand(paths: string[], o: ReproduceOptions, io: Io): Promise<number> {
  for (const [dir, option] of [[o.out, '--out'], [o.reports, '--reports']] as const) await checkOutDir(dir, option);
  const files = await expandSpecPaths(paths);
  const loaded: { path: string; spec: LoadedSpec }[] = [];
  let bad = false;
  for (const f of files) {
    const r = await loadSpecFile(f, undefined, runOverrides(o));
    if (!r.ok) {
      io.err(formatIssues(r.issues, r.file));
      bad = true;
    } else loaded.push({ path: f, spec: r });
  }
  if (bad) return 1;
  if (o.writeTable && conditions(o).length) {
    io.err(`--write-table records full reproductions only; drop ${conditions(o).join(' ')}`);
    return 2;
  }

  const c = composed();
  const reproductions: Reproduction[] = [];
  const failed: string[] = [];
  const interrupt = interruptible(io, 'finishing the current batch; no further seeds or specs');
  try {
    for (const [si, { path, spec: base }] of loaded.entries()) {
      if (interrupt.stopped) break;
      const seeds = o.seeds ?? [...base.spec.reproduce.seeds];
      const epochSeconds: number[] = [];
      // one per seed: with --queue or --workers several seeds run at once
      const progress = new Map<number, Progress>();
      // a search's folds: their own epoch times (a fold trains on fewer examples than a seed)
      const foldProgress = new Map<number, Progress>();
      const foldEpochSeconds: number[] = [];
      let result;
      const sitting = await openSitting(resolve(o.out), base.spec.name, sittingKey({ spec: base.spec, seeds, maxSeeds: o.maxSeeds ?? null, engine: o.engine ?? null, conditions: conditions(o) }), { fresh: !!o.fresh });
      try {
        const searchSettings = throughSearchOf(base.spec) ? base.spec.search! : null;
        result = await reproduce(
          {
            spec: base.spec,
            specFile: shown(path),
            seeds,
            // a reduced run is a smoke test: the spec's cap is for the published setup, so it adds seeds only when --max-seeds asks
            maxSeeds: o.maxSeeds ?? (conditions(o).length ? seeds.length : base.spec.reproduce.maxSeeds),
            ...(searchSettings
              ? { search: { candidates: await searchCandidates(path, base.spec, o), folds: searchSettings.folds, scoreBy: searchSettings.scoreBy, seed: searchSettings.seed, settings: searchSettings } }
              : {}),
            overrides: runOverrides(o),
            limit: o.limit,
            testLimit: o.testLimit,
            engine: o.engine,
            plugins: c.host.records(),
            conditions: conditions(o),
            checks: warningLines(base.issues),
            showLocation: shown,
          },
          c.executor({ specDir: dirname(resolve(path)), out: o.out, signal: interrupt, fresh: o.fresh, queue: o.queue, workers: o.workers }),
          {
            onEvent: (e, t) => {
              const label = `[${si + 1}/${loaded.length} ${base.spec.name} seed ${t.seed} (${t.index + 1}/${t.of})]`;
              // the seeds that start after this one, run `at` at a time (the ones beside it are not later)
              const at = o.workers && o.workers > 1 ? o.workers : 1;
              const later = Math.ceil(Math.max(0, t.of - t.index - at) / at);
              if (e.type === 'started' || e.type === 'reused') progress.set(t.index, new Progress(io, base.spec.training.epochs, label, { epochSeconds, laterEpochs: later * base.spec.training.epochs }));
              const p = progress.get(t.index);
              if (p) renderRunEvent(e, io, p, label);
            },
            onSearchEvent: (e, t) => {
              if (t.fold === null) return;
              const key = (t.candidate - 1) * t.folds + t.fold;
              const label = `[${si + 1}/${loaded.length} ${base.spec.name} search] candidate ${t.candidate}/${t.candidates} fold ${t.fold}/${t.folds}`;
              if (e.type === 'started' || e.type === 'reused') foldProgress.set(key, new Progress(io, base.spec.training.epochs, label, { epochSeconds: foldEpochSeconds }));
              const p = foldProgress.get(key);
              if (p) renderRunEvent(e, io, p, label);
            },
            onFold: (f) => io.err(`[${si + 1}/${loaded.length} ${base.spec.name} search] candidate ${f.candidate}/${f.candidates} fold ${f.fold}/${f.folds}: ${searchSettings?.scoreBy} ${scoreText(f.score)}`),
            onSearched: (best, res) => {
              if (!o.json) for (const l of cvTable(res)) io.out(`  ${l}`);
              io.err(`${base.spec.name}: the seeds train the search's winner ${JSON.stringify(best.params)} (mean ${res.scoreBy} ${best.mean.toFixed(4)} ± ${best.std.toFixed(4)})`);
            },
            onMoreSeeds: (more, open) =>
              io.err(`${base.spec.name}: ${open.map((m) => METRIC_LABELS[m as keyof typeof METRIC_LABELS].toLowerCase()).join(', ')} inconclusive: running seed${more.length === 1 ? '' : 's'} ${more.join(', ')} (at most ${Math.max(o.maxSeeds ?? (conditions(o).length ? seeds.length : base.spec.reproduce.maxSeeds), seeds.length)} in all)`),
            shouldStop: () => interrupt.stopped,
          },
        );
      } catch (e) {
        // One spec that cannot run (its data is missing, say) does not stop the others.
        await sitting.end('interrupted');
        if (!(e instanceof ModelspecError)) throw e;
        failed.push(base.spec.name);
        io.err(`${base.spec.name}: cannot be reproduced here: ${e.message}${e.hint ? `\n  fix: ${e.hint}` : ''}`);
        if (o.writeTable) {
          const { all, explanations } = await tableContext(path);
          await updateReproductionsTable(process.cwd(), resolve(o.reports), unmeasuredRow(base.spec, shown(path), e.message.split(process.cwd() + '/').join('')), null, all, explanations);
        }
        continue;
      }
      const rep = result.reproduction;
      const total = await sitting.end(rep && !result.interrupted ? 'finished' : 'interrupted', rep?.wallSeconds);
      if (!rep || result.interrupted) {
        // no report or table row for part of a reproduction: the next sitting writes them, with every seed
        io.err(`${base.spec.name}: interrupted${rep ? ` with ${rep.runs.length} seed(s) done` : ''}; no report yet. Run the same command again to go on: finished seeds${throughSearchOf(base.spec) ? ' and search folds' : ''} are reused, an unfinished seed${throughSearchOf(base.spec) && !o.queue ? ' or fold' : ''} resumes from its last checkpoint`);
        break;
      }
      // a reproduction that took several sittings (interrupted, then run again) reports them all
      rep.wallSeconds = total.seconds;
      if (total.sittings > 1) rep.sittings = total.sittings;
      rep.environment = await reportEnvironment(result.outcomes, [resolve(o.reports), resolve('REPRODUCTIONS.md')]);
      reproductions.push(rep);
      if (!o.json) for (const l of formatReproduction(rep)) io.out(l);
      const reportDir = await uniqueDir(resolve(o.reports), `${rep.spec.name}-${rep.date.slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`);
      await renderReport(rep, reportDir);
      if (!o.json) io.out(`  report           ${shown(join(reportDir, 'report.html'))}`);
      if (o.writeTable) {
        const { all, explanations } = await tableContext(path);
        const file = await updateReproductionsTable(process.cwd(), resolve(o.reports), rep, relative(process.cwd(), join(reportDir, 'report.md')), all, explanations);
        if (!o.json) io.out(`  table            ${shown(file)}`);
      }
      await o.onReproduction?.(rep);
    }
  } finally {
    interrupt.release();
  }
  if (o.json) io.out(JSON.stringify(reproductions.map(({ runs, ...r }) => ({ ...r, runs: runs.map(({ test: _t, history: _h, ...x }) => x) })), null, 2));
  if (interrupt.stopped) return 130;
  if (failed.length) return 1;
  return o.check && reproductions.some((r) => r.verdict === 'not-reproduced' || r.verdict === 'not-measured') ? EXIT.checkFailed : EXIT.ok;
}
