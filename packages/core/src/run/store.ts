import type { EngineStatus, ModelMetadata } from '../backend/backend.js';
import type { ExperimentResult } from '../training/experiment.js';
import type { EpochRecord } from '../training/loop.js';
import type { TrainState } from '../training/state.js';
import type { RunJob } from './job.js';
import type { RunOutcome, RunStatus } from './outcome.js';
import type { PluginRecord } from '../plugin/host.js';

/** What is known when a run starts: its data is loaded and checked, its engine chosen. */
export interface RunStart {
  engine: EngineStatus;
  counts: { train: number; validation: number; test: number };
  files: Record<string, { location: string; sha256: string }>;
  modelspecVersion: string;
  plugins: PluginRecord[];
}

/** One run's records as it goes. Every write is whole or absent; nothing is ever overwritten by another run. */
export interface RunRecord {
  /** Where the run is (a folder, a key): what reports and `runs` name. */
  readonly location: string;
  epoch(record: EpochRecord): Promise<void>;
  /** The training state at an epoch's end; the previous checkpoint stays until this one is complete. */
  checkpoint(state: TrainState): Promise<void>;
  /** The run's results (and its model, unless metadata is null), and its final status. */
  finish(result: ExperimentResult, metadata: ModelMetadata | null): Promise<void>;
  fail(error: unknown): Promise<void>;
}

/** A run as stored: its job, status, history, and its last checkpoint if any. */
export interface StoredRun {
  location: string;
  job: RunJob | null;
  /** `killed` when its record says running but its process is gone. */
  status: RunStatus | 'killed';
  history: EpochRecord[];
  checkpoint: TrainState | null;
  /** The engine and dataset files it ran on (what a resume must keep). */
  engine: string | null;
  files: Record<string, { sha256: string }> | null;
}

/**
 * A `fold` job's training state between sittings (folds keep no run record):
 * a search stopped part-way goes on from its folds' last checkpoints.
 */
export interface FoldCheckpoint {
  state: TrainState;
  /** The engine it trained on and its dataset files' checksums: going on elsewhere would not give the same score. */
  engine: string;
  files: Record<string, { sha256: string }>;
}

/**
 * Where runs are kept: run folders (Node), IndexedDB (a browser), a queue's
 * store. `begin` creates a new run, never reusing one.
 */
export interface RunStore {
  begin(job: RunJob, start: RunStart): Promise<RunRecord>;
  load(location: string): Promise<StoredRun>;
  /** A finished job's outcome, kept so that running the same job again reuses it (ids are deterministic). */
  outcome?(jobId: string): Promise<RunOutcome | null>;
  saveOutcome?(outcome: RunOutcome): Promise<void>;
  /** The latest run of a job that stopped before finishing (interrupted, failed, or its process gone), to resume. */
  unfinished?(jobId: string): Promise<StoredRun | null>;
  /** Goes on writing a stored run's record (a resume). */
  reopen?(run: StoredRun, start: RunStart): Promise<RunRecord>;
  /** A `fold` job's last checkpoint, or null. */
  foldCheckpoint?(jobId: string): Promise<FoldCheckpoint | null>;
  /** Keeps a fold's checkpoint, whole or not at all, in place of the previous one; null drops it (the fold is done). */
  saveFoldCheckpoint?(jobId: string, checkpoint: FoldCheckpoint | null): Promise<void>;
}
