import * as tf from '@tensorflow/tfjs-core';
import { renameSync, writeFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import { formatClassificationReport, statusOf, type EpochRecord, type ExperimentResult, type ModelMetadata, type RunJob, type RunRecord, type RunStart, type RunStatus, type TrainState } from '@modelspec/core';
import { RunFolder } from './run-folder.js';
import { saveModelDir } from './model-io.js';
import { writeCheckpoint } from './checkpoint.js';

const HISTORY_COLUMNS = (r: EpochRecord) => [
  'epoch',
  ...Object.keys(r.train),
  ...(r.val ? Object.keys(r.val).map((k) => `val_${k}`) : []),
  'seconds',
];

/**
 * Writes a run's records into its folder as it goes: the folder exists from
 * the first epoch (never earlier, so a run that fails on bad data leaves
 * nothing), every file is written atomically, and `run.json` always says
 * where the run stands and which process runs it.
 */
export class RunRecorder implements RunRecord {
  private history: EpochRecord[] = [];
  private started = new Date();
  private resumed: { resumedAt: string; resumedFromEpoch: number } | null = null;
  private lastStatus: Record<string, unknown> = {};

  /**
   * A process that exits while this run is still running (a second Ctrl-C
   * quits at once) leaves a truthful status: written synchronously from the
   * exit event, with the epochs and checkpoint it keeps. (SIGKILL runs no
   * code at all: `modelspec runs` tells that case by the process being gone.)
   */
  private readonly onExit = (code: number) => {
    const status = code === 130 ? 'interrupted' : 'failed';
    const file = this.folder.file('run.json');
    const tmp = `${file}.${process.pid}.exit.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ ...this.lastStatus, status, updated: new Date().toISOString(), finished: new Date().toISOString(), quit: code === 130 ? 'at once, on a second stop signal: the last checkpoint is what is kept' : `the process exited (code ${code}) during the run` }, null, 2) + '\n');
      renameSync(tmp, file);
    } catch {
      // nothing more can be done while the process exits
    }
  };

  private constructor(
    readonly folder: RunFolder,
    private readonly job: RunJob,
    private readonly start: RunStart,
  ) {}

  /** A new run folder under `root` for this job (never an existing one). */
  static async begin(root: string, job: RunJob, start: RunStart): Promise<RunRecorder> {
    const folder = await RunFolder.create(root, job.spec.name, job.spec.seed);
    const r = new RunRecorder(folder, job, start);
    await folder.writeJson('job.json', job);
    await folder.writeJson('spec.resolved.json', job.spec);
    await folder.writeJson('environment.json', {
      modelspec: start.modelspecVersion,
      node: process.version,
      tfjs: tf.version_core,
      engine: start.engine,
      tfjsBackend: tf.getBackend(),
      plugins: start.plugins,
      os: { platform: platform(), release: release(), arch: arch(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryBytes: totalmem() },
      seed: job.spec.seed,
      dataset: { type: (job.spec.data.dataset as { type: string }).type, files: start.files, counts: start.counts },
      specFile: job.specFile,
      overrides: job.overrides,
    });
    for (const [name, value] of Object.entries(job.attachments ?? {})) await folder.writeJson(name, value);
    await r.status('running');
    process.on('exit', r.onExit);
    return r;
  }

  /** Goes on writing an existing run's folder (a resumed run), with its history so far. */
  static async reopen(path: string, job: RunJob, start: RunStart, history: EpochRecord[]): Promise<RunRecorder> {
    const r = new RunRecorder(RunFolder.open(path), job, start);
    r.history = history.map((h) => ({ ...h }));
    const prev = await r.folder.readJson<{ started?: string }>('run.json').catch(() => ({}) as { started?: string });
    if (prev.started) r.started = new Date(prev.started);
    r.resumed = { resumedAt: new Date().toISOString(), resumedFromEpoch: history.length };
    await r.writeHistory();
    await r.status('running');
    process.on('exit', r.onExit);
    return r;
  }

  get path(): string {
    return this.folder.path;
  }

  get location(): string {
    return this.folder.path;
  }

  async status(status: RunStatus, extra: Record<string, unknown> = {}): Promise<void> {
    if (status !== 'running') process.off('exit', this.onExit);
    await this.folder.writeJson('run.json', (this.lastStatus = {
      status,
      job: this.job.id,
      name: this.job.spec.name,
      seed: this.job.spec.seed,
      engine: this.start.engine.name,
      plugins: this.start.plugins,
      pid: process.pid,
      host: hostname(),
      started: this.started.toISOString(),
      updated: new Date().toISOString(),
      epochsCompleted: this.history.length,
      ...(this.resumed ?? {}),
      ...extra,
    }));
  }

  async epoch(r: EpochRecord): Promise<void> {
    this.history.push(r);
    await this.writeHistory();
    await this.status('running');
  }

  private async writeHistory(): Promise<void> {
    if (!this.history.length) {
      await this.folder.writeText('history.jsonl', '');
      return;
    }
    await this.folder.writeText('history.jsonl', this.history.map((h) => JSON.stringify(h)).join('\n') + '\n');
    const cols = HISTORY_COLUMNS(this.history[0]!);
    const rows = this.history.map((h) => [h.epoch, ...Object.values(h.train), ...(h.val ? Object.values(h.val) : []), h.seconds.toFixed(3)].join(','));
    await this.folder.writeText('history.csv', [cols.join(','), ...rows].join('\n') + '\n');
  }

  async checkpoint(state: TrainState): Promise<void> {
    await writeCheckpoint(this.folder.path, state);
  }

  async finish(result: ExperimentResult, metadata: ModelMetadata | null): Promise<void> {
    const status = statusOf(result.stopReason);
    const last = result.history[result.history.length - 1];
    if (result.test) {
      await this.folder.writeJson('confusion.json', { classNames: result.classNames, rows: 'true class', columns: 'predicted class', matrix: result.test.confusion });
      await this.folder.writeText('classification-report.txt', formatClassificationReport(result.test.report, 4) + '\n');
      await this.folder.writeJson('predictions.json', { classNames: result.classNames, predictions: result.test.predictions });
    }
    await this.folder.writeJson('metrics.json', {
      name: result.spec.name,
      seed: result.spec.seed,
      engine: result.engine.name,
      plugins: this.start.plugins,
      stopReason: result.stopReason,
      epochs: result.history.length,
      weightsFromEpoch: result.weightsFromEpoch,
      train: last?.train ?? null,
      validation: last?.val ?? null,
      bestValAccuracy: Math.max(...result.history.map((h) => h.val?.['accuracy'] ?? -Infinity)),
      test: result.test
        ? {
            ...result.test.values,
            macroPrecision: result.test.report.macro.precision,
            macroRecall: result.test.report.macro.recall,
            macroF1: result.test.report.macro.f1,
            confusionDiagonal: result.test.confusion.map((row, i) => row[i]),
            report: result.test.report,
          }
        : null,
      weightsSha256: result.weightsSha256,
      seconds: result.seconds,
      counts: result.data.counts,
    });
    // a model only from trained weights (a run that diverged in its first epoch has none)
    if (metadata && result.weightsFromEpoch > 0) {
      const dir = this.folder.file('model');
      // a resumed run replaces the model its interrupted part kept (the same run, further on): the new one is
      // saved whole before the old one goes
      const old = this.resumed ? this.folder.file(`.model-superseded-${process.pid}`) : null;
      if (old) await rename(dir, old).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
      await saveModelDir(result.model, dir, metadata);
      if (old) await rm(old, { recursive: true, force: true });
    }
    await this.status(status, { stopReason: result.stopReason, weightsSha256: result.weightsSha256, finished: new Date().toISOString() });
  }

  async fail(error: unknown): Promise<void> {
    await this.status('failed', { error: (error as Error).message ?? String(error), finished: new Date().toISOString() });
  }
}
