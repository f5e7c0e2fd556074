import type { EngineStatus } from '../backend/backend.js';
import type { EpochRecord, BatchProgress } from '../training/loop.js';
import type { RunOutcome } from './outcome.js';

/** An error as data (what crosses a thread, a process or a machine). */
export interface ErrorData {
  code: string;
  message: string;
  hint?: string;
}

/**
 * What a runner says while it runs a job: plain JSON, so the same events
 * come from an in-process run, a Web Worker or a queue worker.
 */
export type RunEvent =
  | { type: 'started'; job: string; location: string | null; engine: EngineStatus; fellBackFrom: { name: string; reason: string } | null; counts: { train: number; validation: number; test: number }; resumedFrom: number | null }
  | { type: 'batch'; job: string; progress: BatchProgress }
  | { type: 'epoch'; job: string; record: EpochRecord }
  | { type: 'checkpoint'; job: string; epoch: number }
  | { type: 'finished'; job: string; outcome: RunOutcome }
  /** The job had already run to the end: its recorded outcome is used, nothing is trained. */
  | { type: 'reused'; job: string; outcome: RunOutcome }
  | { type: 'failed'; job: string; error: ErrorData };
