import type { EngineStatus } from '../backend/backend.js';
import type { RunSummary } from '../report/types.js';
import type { StopReason } from '../training/loop.js';

/** How a run ended, as its record says: `diverged` is a non-finite loss, `interrupted` a stop asked for. */
export type RunStatus = 'running' | 'completed' | 'interrupted' | 'diverged' | 'failed';

export const statusOf = (stop: StopReason): RunStatus => (stop === 'interrupted' ? 'interrupted' : stop === 'non-finite-loss' ? 'diverged' : 'completed');

/** What a finished job gives back: plain data. */
export interface RunOutcome {
  job: string;
  status: RunStatus;
  engine: EngineStatus;
  /** Where the run's records are (a run folder, an IndexedDB key), if it kept any. */
  location: string | null;
  classNames: string[];
  /** A `train` job's run, as reproduce and reports take it. */
  summary: RunSummary | null;
  /** A `fold` job's held-out score and timings. */
  fold: { score: number; fitSeconds: number; scoreSeconds: number } | null;
  counts: { train: number; validation: number; test: number };
  /** The dataset files the job trained on (SHA-256): a kept outcome is reused only while they are the same (absent in outcomes kept before modelspec recorded them). */
  files?: Record<string, { sha256: string }>;
}
