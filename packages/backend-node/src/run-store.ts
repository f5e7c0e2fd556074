import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RunError, type EpochRecord, type FoldCheckpoint, type RunJob, type RunOutcome, type RunRecord, type RunStart, type RunStatus, type RunStore, type StoredRun } from '@modelspec/core';
import { RunRecorder } from './run-recorder.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { writeJsonAtomic } from './fs-atomic.js';
import { ownerAlive } from './liveness.js';

/** What run.json says about a run, with what only a look at its process can add. */
export interface RunHead {
  status: RunStatus;
  job?: string;
  name?: string;
  seed?: number;
  engine?: string;
  pid?: number;
  host?: string;
  started?: string;
  updated?: string;
  finished?: string;
  epochsCompleted?: number;
  error?: string;
  /** When the run was last resumed (train --resume, or a re-run reproduction). */
  resumedAt?: string;
}

/**
 * A run's status as a user should read it: a record that says `running`
 * while its process is gone (killed, the machine rebooted) is `killed`.
 */
export function liveStatus(head: RunHead): RunStatus | 'killed' {
  return head.status === 'running' && ownerAlive(head) === false ? 'killed' : head.status;
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new RunError('run-unreadable', `${file}: ${(e as Error).message}`);
  }
}

const RESUMABLE = new Set(['killed', 'interrupted', 'failed']);

/** Runs as folders under one root (`runs/`): today's run folders, behind core's RunStore. */
export class FsRunStore implements RunStore {
  constructor(readonly root: string) {}

  begin(job: RunJob, start: RunStart): Promise<RunRecord> {
    return RunRecorder.begin(this.root, job, start);
  }

  /** Goes on writing a stored run (a resume), its history as its checkpoint has it. */
  reopen(run: StoredRun, start: RunStart): Promise<RunRecorder> {
    if (!run.job) throw new RunError('not-resumable', `${run.location}: this run has no job.json (it was made by an older modelspec)`);
    return RunRecorder.reopen(run.location, run.job, start, run.checkpoint?.history ?? []);
  }

  async load(location: string): Promise<StoredRun> {
    const head = await readJson<RunHead>(join(location, 'run.json'));
    if (!head) throw new RunError('not-a-run', `${location} is not a run folder (it has no run.json)`, 'pass a folder that modelspec train or reproduce made under runs/');
    const env = await readJson<{ engine?: { name?: string }; dataset?: { files?: Record<string, { sha256: string }> } }>(join(location, 'environment.json'));
    const lines = await readFile(join(location, 'history.jsonl'), 'utf8').catch(() => '');
    const history: EpochRecord[] = [];
    for (const l of lines.split('\n').filter(Boolean)) {
      try {
        history.push(JSON.parse(l) as EpochRecord);
      } catch {
        break; // a torn last line of a killed run
      }
    }
    return {
      location,
      job: await readJson<RunJob>(join(location, 'job.json')),
      status: liveStatus(head),
      history,
      checkpoint: await readCheckpoint(location),
      engine: env?.engine?.name ?? null,
      files: env?.dataset?.files ?? null,
    };
  }

  /** `.jobs/<job>.json` (its outcome) and `.jobs/<job>.fold/` (fold.json with job, engine and files, and checkpoint/ as a run folder has it). */
  private jobPath(jobId: string, ext: 'json' | 'fold'): string {
    return join(this.root, '.jobs', `${jobId.replace(/[^A-Za-z0-9._-]/g, '_')}.${ext}`);
  }

  async foldCheckpoint(jobId: string): Promise<FoldCheckpoint | null> {
    const dir = this.jobPath(jobId, 'fold');
    const head = await readJson<{ job: string; engine: string; files: FoldCheckpoint['files'] }>(join(dir, 'fold.json'));
    if (!head || head.job !== jobId) return null;
    const state = await readCheckpoint(dir);
    return state ? { state, engine: head.engine, files: head.files } : null;
  }

  async saveFoldCheckpoint(jobId: string, c: FoldCheckpoint | null): Promise<void> {
    const dir = this.jobPath(jobId, 'fold');
    if (!c) return rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeJsonAtomic(join(dir, 'fold.json'), { job: jobId, engine: c.engine, files: c.files });
    await writeCheckpoint(dir, c.state);
  }

  async outcome(jobId: string): Promise<RunOutcome | null> {
    const o = await readJson<RunOutcome>(this.jobPath(jobId, 'json'));
    if (!o || o.job !== jobId) return null;
    // a kept train outcome stands for its run folder: gone folder, nothing to reuse
    if (o.location && !(await readJson(join(o.location, 'run.json')))) return null;
    return o;
  }

  async saveOutcome(outcome: RunOutcome): Promise<void> {
    await writeJsonAtomic(this.jobPath(outcome.job, 'json'), outcome);
  }

  /** The run folders under the root (newest first by their start), with their run.json. */
  async list(): Promise<{ location: string; head: RunHead }[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const out: { location: string; head: RunHead }[] = [];
    for (const n of names) {
      if (n.startsWith('.')) continue;
      const location = join(this.root, n);
      const head = await readJson<RunHead>(join(location, 'run.json')).catch(() => null);
      if (head) out.push({ location, head });
    }
    return out.sort((a, b) => (b.head.started ?? '').localeCompare(a.head.started ?? ''));
  }

  async unfinished(jobId: string): Promise<StoredRun | null> {
    for (const { location, head } of await this.list()) {
      if (head.job !== jobId || !RESUMABLE.has(liveStatus(head))) continue;
      return this.load(location);
    }
    return null;
  }
}
