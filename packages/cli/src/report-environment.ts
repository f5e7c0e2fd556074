import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, platform, release, arch } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ReportEnvironment, RunOutcome } from '@modelspec/core';
import { VERSION } from './version.js';

const run = promisify(execFile);

/**
 * The commit of the working tree modelspec runs in; "unknown" outside a git
 * repository or without git. Changes to `outputs` (what modelspec itself
 * writes there: REPRODUCTIONS.md after each spec of `reproduce specs/
 * --write-table`, the reports) do not count as uncommitted changes.
 */
export async function gitCommit(cwd = process.cwd(), outputs: readonly string[] = []): Promise<string> {
  try {
    const head = (await run('git', ['rev-parse', 'HEAD'], { cwd, timeout: 10_000 })).stdout.trim();
    const excluded = outputs.map((p) => relative(cwd, resolve(cwd, p))).filter((p) => p && !p.startsWith('..') && !isAbsolute(p));
    const pathspec = excluded.length ? ['--', '.', ...excluded.map((p) => `:(exclude)${p}`)] : [];
    const dirty = (await run('git', ['status', '--porcelain', '--untracked-files=no', ...pathspec], { cwd, timeout: 30_000 })).stdout.trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

interface EnvironmentFile {
  modelspec?: string;
  node?: string;
  tfjs?: string;
  os?: { platform?: string; release?: string; arch?: string; cpuModel?: string | null; cpus?: number };
  dataset?: { files?: Record<string, { sha256?: string }> };
  engine?: { name?: string; detail?: string };
  plugins?: { name: string; version: string }[];
}

/** What the environment needs of a run: where its records are, and its engine when known. */
export type RunPlace = { location: string | null; engine?: { name: string; detail?: string } };

/**
 * What produced a reproduction, for its report: modelspec, tfjs, Node, each
 * engine with its own account (BLAS, SIMD, threads), CPU, OS and dataset
 * checksums as the runs recorded them in their environment.json (the machine
 * that ran them: a queue worker's, say), and this working tree's git commit.
 */
/** `outputs`: the files and folders the command writes in the working tree (see gitCommit). */
export async function reportEnvironment(outcomes: readonly (RunOutcome | RunPlace)[], outputs: readonly string[] = []): Promise<ReportEnvironment> {
  const files: EnvironmentFile[] = [];
  for (const o of outcomes) {
    if (!o.location) continue;
    try {
      files.push(JSON.parse(await readFile(join(o.location, 'environment.json'), 'utf8')) as EnvironmentFile);
    } catch {
      // a run kept elsewhere (a queue's store) has no environment.json here
    }
  }
  const first = files[0];
  const distinct = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((x): x is string => !!x))].join('; ') || null;
  // every account an engine gave of itself: seeds trained with other threads (a sitting with --workers, one without) say so
  const engines = new Map<string, (string | null | undefined)[]>();
  const account = (name: string, detail: string | null | undefined) => engines.set(name, [...(engines.get(name) ?? []), detail]);
  for (const o of outcomes) if (o.engine) account(o.engine.name, o.engine.detail);
  for (const f of files) if (f.engine?.name) account(f.engine.name, f.engine.detail);
  const datasets: Record<string, string> = {};
  for (const f of files) for (const [name, v] of Object.entries(f.dataset?.files ?? {})) if (v.sha256) datasets[name] = v.sha256;
  const os = first?.os;
  return {
    modelspec: distinct(files.map((f) => f.modelspec)) ?? VERSION,
    tfjs: distinct(files.map((f) => f.tfjs)),
    node: distinct(files.map((f) => f.node)) ?? process.version,
    engines: [...engines].map(([name, details]) => ({ name, detail: distinct(details) })),
    cpu: distinct(files.map((f) => (f.os?.cpuModel ? `${f.os.cpuModel} (${f.os.cpus} cores)` : null))) ?? `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`,
    os: os?.platform ? `${os.platform} ${os.release ?? ''} ${os.arch ?? ''}`.replace(/\s+/g, ' ').trim() : `${platform()} ${release()} ${arch()}`,
    datasets,
    plugins: [...new Set(files.flatMap((f) => (f.plugins ?? []).map((p) => `${p.name}@${p.version}`)))],
    gitCommit: await gitCommit(process.cwd(), outputs),
  };
}
