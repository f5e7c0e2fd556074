import type { BatchProgress, EpochRecord } from '@modelspec/core';
import type { Io } from './io.js';

const fmtTime = (s: number) => {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const ss = String(Math.floor(s % 60)).padStart(2, '0');
  return h ? `${h}:${String(m % 60).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
};

export function formatEpoch(r: EpochRecord, epochs: number): string {
  const kv = (o: Record<string, number>, prefix = '') => Object.entries(o).map(([k, v]) => `${prefix}${k} ${v.toFixed(4)}`);
  return [`epoch ${r.epoch}/${epochs}`, ...kv(r.train), ...(r.val ? kv(r.val, 'val_') : []), `${r.seconds.toFixed(1)}s`].join('  ');
}

export interface ProgressOptions {
  /** Epoch durations shared by the runs of one job (the seeds of a spec), so later runs start with an estimate. */
  epochSeconds?: number[];
  /** Epochs that will run after this run in the same job (later seeds); the ETA covers them too. */
  laterEpochs?: number;
  stream?: { write(s: string): unknown; columns?: number };
}

/**
 * Progress on stderr: a live bar with ETA on a terminal, one plain line per
 * epoch when piped (logs stay readable), which ends with the ETA of the job.
 */
export class Progress {
  private epochStart = performance.now();
  private readonly epochSeconds: number[];
  private readonly laterEpochs: number;
  private readonly stream: { write(s: string): unknown; columns?: number };
  private lastDraw = 0;

  constructor(
    private readonly io: Io,
    private readonly epochs: number,
    private readonly label: string,
    options: ProgressOptions = {},
  ) {
    this.epochSeconds = options.epochSeconds ?? [];
    this.laterEpochs = options.laterEpochs ?? 0;
    this.stream = options.stream ?? process.stderr;
  }

  private perEpoch(): number | undefined {
    return this.epochSeconds.length ? this.epochSeconds.reduce((a, b) => a + b, 0) / this.epochSeconds.length : undefined;
  }

  /** Seconds left in the job once `epoch` (1-based) has ended. */
  private etaAfter(epoch: number, perEpoch: number): number {
    return perEpoch * (this.epochs - epoch + this.laterEpochs);
  }

  batch(p: BatchProgress): void {
    if (!this.io.tty) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && p.batch !== p.batches) return;
    this.lastDraw = now;
    const elapsed = (now - this.epochStart) / 1000;
    const perEpoch = this.perEpoch() ?? (elapsed / p.batch) * p.batches;
    const eta = Math.max(0, perEpoch - elapsed) + this.etaAfter(p.epoch, perEpoch);
    const width = 24;
    const filled = Math.round((p.batch / p.batches) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const line = `${this.label} epoch ${p.epoch}/${this.epochs} ${bar} ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)} ETA ${fmtTime(Math.max(0, eta))}`;
    this.stream.write(`\r\x1b[2K${line.slice(0, (this.stream.columns ?? 120) - 1)}`);
  }

  epoch(r: EpochRecord): void {
    this.epochSeconds.push(r.seconds);
    if (this.io.tty) this.stream.write('\r\x1b[2K');
    const eta = this.etaAfter(r.epoch, this.perEpoch()!);
    this.io.err(`${this.label} ${formatEpoch(r, this.epochs)}${eta > 0 ? `  ETA ${fmtTime(eta)}` : ''}`);
    this.epochStart = performance.now();
  }
}
