import {
  decodeTrainState,
  encodeTrainState,
  formatClassificationReport,
  RunError,
  statusOf,
  type EpochRecord,
  type ExperimentResult,
  type ModelMetadata,
  type RunJob,
  type RunRecord,
  type RunStart,
  type RunStatus,
  type RunStore,
  type StoredRun,
  type TrainState,
} from '@modelspec/core';
import { add, get, keys, openDatabase, put, update } from './idb.js';
import { modelFiles, saveModelRecord, type StoredModel } from './models.js';

/** The default IndexedDB database of runs and models. */
export const DEFAULT_DATABASE = 'modelspec';

/** A run as IndexedDB keeps it: what Node's run folder holds, as one record (the checkpoint and the model apart). */
export interface WebRunRecord {
  location: string;
  job: RunJob;
  start: RunStart;
  status: RunStatus;
  began: string;
  finished: string | null;
  history: EpochRecord[];
  /** Node's metrics.json. */
  metrics: Record<string, unknown> | null;
  confusion: { classNames: string[]; rows: string; columns: string; matrix: number[][] } | null;
  classificationReport: string | null;
  predictions: { classNames: string[]; predictions: unknown[] } | null;
  /** The model's key in the `models` store, when the run saved one. */
  model: string | null;
  error: string | null;
}

interface StoredCheckpoint {
  json: string;
  bytes: Uint8Array;
}

/**
 * Runs and their models in IndexedDB, behind core's RunStore: one record per
 * run (never reused), its last checkpoint written whole in one transaction,
 * its model in the `models` store (tfjs artifacts with modelspec's metadata).
 */
export class IndexedDbRunStore implements RunStore {
  private db: Promise<IDBDatabase> | null = null;

  constructor(readonly database: string = DEFAULT_DATABASE) {}

  /** The open database (opened on first use). */
  open(): Promise<IDBDatabase> {
    return (this.db ??= openDatabase(this.database));
  }

  async begin(job: RunJob, start: RunStart): Promise<RunRecord> {
    const db = await this.open();
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
    const base = `idb:${this.database}/runs/${job.spec.name}-${stamp}-s${job.spec.seed}`;
    for (let n = 1; ; n++) {
      const location = n === 1 ? base : `${base}-${n}`;
      const record: WebRunRecord = {
        location,
        job,
        start,
        status: 'running',
        began: new Date().toISOString(),
        finished: null,
        history: [],
        metrics: null,
        confusion: null,
        classificationReport: null,
        predictions: null,
        model: null,
        error: null,
      };
      try {
        await add(db, 'runs', location, record);
        return this.recordFor(location);
      } catch (e) {
        if (!(e instanceof DOMException && e.name === 'ConstraintError') || n > 1000) throw e;
      }
    }
  }

  async load(location: string): Promise<StoredRun> {
    const db = await this.open();
    const r = await get<WebRunRecord>(db, 'runs', location);
    if (!r) throw new RunError('not-a-run', `${location} is not a run in this browser's IndexedDB`);
    const c = await get<StoredCheckpoint>(db, 'checkpoints', location);
    const files = Object.fromEntries(Object.entries(r.start.files).map(([k, f]) => [k, { sha256: f.sha256 }]));
    const stored = { location, job: r.job, status: r.status, history: r.history, checkpoint: c ? decodeTrainState(c.json, c.bytes) : null, engine: r.start.engine.name, files };
    return stored;
  }

  /** Every run kept here, newest first. */
  async list(): Promise<WebRunRecord[]> {
    const db = await this.open();
    const all = await Promise.all((await keys(db, 'runs')).map((k) => get<WebRunRecord>(db, 'runs', k)));
    return all.filter((r): r is WebRunRecord => !!r).sort((a, b) => b.began.localeCompare(a.began));
  }

  async run(location: string): Promise<WebRunRecord | undefined> {
    return get<WebRunRecord>(await this.open(), 'runs', location);
  }

  /** The run as one JSON document (its record, without the checkpoint and the model): what "download the run" gives. */
  async runJson(location: string): Promise<string> {
    const r = await this.run(location);
    if (!r) throw new RunError('not-a-run', `${location} is not a run in this browser's IndexedDB`);
    return JSON.stringify(r, null, 2);
  }

  /** The run's model as tfjs files (model.json with modelspec's metadata, weights.bin), or null when it saved none. */
  async modelFiles(location: string): Promise<ReturnType<typeof modelFiles> | null> {
    const r = await this.run(location);
    if (!r?.model) return null;
    const m = await get<StoredModel>(await this.open(), 'models', r.model);
    return m ? modelFiles(m) : null;
  }

  private recordFor(location: string): RunRecord {
    const change = async (f: (r: WebRunRecord) => WebRunRecord) => update<WebRunRecord>(await this.open(), 'runs', location, f);
    return {
      location,
      epoch: (e) => change((r) => ({ ...r, history: [...r.history, e] })),
      checkpoint: async (state: TrainState) => {
        const { json, bytes } = encodeTrainState(state);
        await put(await this.open(), 'checkpoints', location, { json, bytes } satisfies StoredCheckpoint);
      },
      finish: async (result: ExperimentResult, metadata: ModelMetadata | null) => {
        // a model only from trained weights (a run that diverged in its first epoch has none)
        const modelKey = metadata && result.weightsFromEpoch > 0 ? `${location}/model` : null;
        if (modelKey) await saveModelRecord(await this.open(), result.model, modelKey, metadata!);
        await change((r) => ({ ...r, ...finishedFields(r, result), model: modelKey, status: statusOf(result.stopReason), finished: new Date().toISOString() }));
      },
      fail: (error) => change((r) => ({ ...r, status: 'failed', error: error instanceof Error ? error.message : String(error), finished: new Date().toISOString() })),
    };
  }
}

/** What Node's recorder writes as metrics.json, confusion.json, classification-report.txt and predictions.json. */
function finishedFields(r: WebRunRecord, result: ExperimentResult): Pick<WebRunRecord, 'metrics' | 'confusion' | 'classificationReport' | 'predictions'> {
  const last = result.history[result.history.length - 1];
  const t = result.test;
  return {
    metrics: {
      name: result.spec.name,
      seed: result.spec.seed,
      engine: result.engine.name,
      plugins: r.start.plugins,
      stopReason: result.stopReason,
      epochs: result.history.length,
      weightsFromEpoch: result.weightsFromEpoch,
      train: last?.train ?? null,
      validation: last?.val ?? null,
      test: t
        ? {
            ...t.values,
            macroPrecision: t.report.macro.precision,
            macroRecall: t.report.macro.recall,
            macroF1: t.report.macro.f1,
            confusionDiagonal: t.confusion.map((row, i) => row[i]),
            report: t.report,
          }
        : null,
      weightsSha256: result.weightsSha256,
      seconds: result.seconds,
      counts: result.data.counts,
    },
    confusion: t ? { classNames: result.classNames, rows: 'true class', columns: 'predicted class', matrix: t.confusion } : null,
    classificationReport: t ? formatClassificationReport(t.report, 4) : null,
    predictions: t ? { classNames: result.classNames, predictions: t.predictions } : null,
  };
}
