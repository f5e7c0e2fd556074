import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunError, type EpochRecord, type RunJob, type RunRecord, type RunStart, type RunStatus, type RunStore, type StoredRun } from '@modelspec/core';
import { RunRecorder } from './run-recorder.js';
import { readCheckpoint } from './checkpoint.js';

/** Runs as folders under one root (`runs/`): today's run folders, behind core's RunStore. */
export class FsRunStore implements RunStore {
  constructor(readonly root: string) {}

  begin(job: RunJob, start: RunStart): Promise<RunRecord> {
    return RunRecorder.begin(this.root, job, start);
  }

  /** Goes on writing a stored run (a resume). */
  reopen(run: StoredRun, start: RunStart): Promise<RunRecorder> {
    if (!run.job) throw new RunError('not-resumable', `${run.location}: this run has no job.json (it was made by an older modelspec)`);
    return RunRecorder.reopen(run.location, run.job, start, run.history);
  }

  async load(location: string): Promise<StoredRun> {
    const read = async <T>(f: string): Promise<T | null> => {
      try {
        return JSON.parse(await readFile(join(location, f), 'utf8')) as T;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new RunError('run-unreadable', `${join(location, f)}: ${(e as Error).message}`);
      }
    };
    const run = await read<{ status: RunStatus }>('run.json');
    if (!run) throw new RunError('not-a-run', `${location} is not a run folder (it has no run.json)`);
    const lines = await readFile(join(location, 'history.jsonl'), 'utf8').catch(() => '');
    const history = lines.split('\n').filter(Boolean).map((l) => JSON.parse(l) as EpochRecord);
    return { location, job: await read<RunJob>('job.json'), status: run.status, history, checkpoint: await readCheckpoint(location) };
  }
}
