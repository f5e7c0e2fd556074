import * as tf from '@tensorflow/tfjs-core';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { formatClassificationReport, type EngineStatus, type EpochRecord, type ExperimentResult, type ModelMetadata, type ResolvedModelSpec } from '@modelspec/core';
import { RunFolder, type RunStatus } from './run-folder.js';
import { saveModelDir } from './model-io.js';

export interface RunInfo {
  spec: ResolvedModelSpec;
  specFile: string;
  engine: EngineStatus;
  counts: { train: number; validation: number; test: number };
  files: Record<string, { location: string; sha256: string }>;
  overrides: Record<string, unknown>;
  modelspecVersion: string;
}

const HISTORY_COLUMNS = (r: EpochRecord) => [
  'epoch',
  ...Object.keys(r.train),
  ...(r.val ? Object.keys(r.val).map((k) => `val_${k}`) : []),
  'seconds',
];

/**
 * Writes a run's records as it goes: the folder exists from the first epoch
 * (never earlier, so a run that fails on bad data leaves nothing), every file
 * is written atomically, and `run.json` always says where the run stands.
 */
export class RunRecorder {
  private history: EpochRecord[] = [];
  private started = new Date();

  private constructor(
    readonly folder: RunFolder,
    private readonly info: RunInfo,
  ) {}

  static async start(root: string, info: RunInfo): Promise<RunRecorder> {
    const folder = await RunFolder.create(root, info.spec.name, info.spec.seed);
    const r = new RunRecorder(folder, info);
    await folder.writeJson('spec.resolved.json', info.spec);
    await folder.writeJson('environment.json', {
      modelspec: info.modelspecVersion,
      node: process.version,
      tfjs: tf.version_core,
      engine: info.engine,
      tfjsBackend: tf.getBackend(),
      os: { platform: platform(), release: release(), arch: arch(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, memoryBytes: totalmem() },
      seed: info.spec.seed,
      dataset: { type: (info.spec.data.dataset as { type: string }).type, files: info.files, counts: info.counts },
      specFile: info.specFile,
      overrides: info.overrides,
    });
    await r.status('running');
    return r;
  }

  get path(): string {
    return this.folder.path;
  }

  async status(status: RunStatus, extra: Record<string, unknown> = {}): Promise<void> {
    await this.folder.writeJson('run.json', {
      status,
      name: this.info.spec.name,
      seed: this.info.spec.seed,
      engine: this.info.engine.name,
      started: this.started.toISOString(),
      updated: new Date().toISOString(),
      epochsCompleted: this.history.length,
      ...extra,
    });
  }

  async epoch(r: EpochRecord): Promise<void> {
    this.history.push(r);
    await this.folder.appendLine('history.jsonl', JSON.stringify(r));
    const cols = HISTORY_COLUMNS(this.history[0]!);
    const rows = this.history.map((h) => [h.epoch, ...Object.values(h.train), ...(h.val ? Object.values(h.val) : []), h.seconds.toFixed(3)].join(','));
    await this.folder.writeText('history.csv', [cols.join(','), ...rows].join('\n') + '\n');
    await this.status('running');
  }

  async finish(result: ExperimentResult, metadata: ModelMetadata | null): Promise<void> {
    const interrupted = result.stopReason === 'interrupted';
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
    if (metadata && result.history.length > 0) await saveModelDir(result.model, this.folder.file('model'), metadata);
    await this.status(interrupted ? 'interrupted' : 'completed', { stopReason: result.stopReason, weightsSha256: result.weightsSha256, finished: new Date().toISOString() });
  }

  async fail(error: unknown): Promise<void> {
    await this.status('failed', { error: (error as Error).message ?? String(error), finished: new Date().toISOString() });
  }
}
