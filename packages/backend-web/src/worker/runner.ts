import type { EngineStatus, ErrorData, RunEvent, RunJob, RunOutcome } from '@modelspec/core';
import type { WebDataOptions } from '../data/web-source.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** A run in progress in the worker: its outcome, and a stop that ends it at the next batch, keeping the last complete epoch. */
export interface WorkerRun {
  readonly outcome: Promise<RunOutcome>;
  stop(): void;
}

/** A failure that crossed from the worker: its code and hint kept. */
export class WorkerRunError extends Error {
  constructor(readonly data: ErrorData) {
    super(data.message);
    this.name = 'WorkerRunError';
  }
  get code(): string {
    return this.data.code;
  }
}

/**
 * The page's side of training off the main thread: jobs go to a Web Worker
 * (see `serveRuns`), events come back as they happen, and a stop goes through
 * a SharedArrayBuffer flag the worker reads between batches when the page is
 * cross-origin isolated (COOP/COEP), else through a message it reads between epochs.
 */
export class WorkerRunner {
  private worker: Worker | null = null;
  private next = 1;
  private readonly handlers = new Map<number, (m: FromWorker) => void>();

  constructor(private readonly createWorker: () => Worker) {}

  private get w(): Worker {
    if (!this.worker) {
      this.worker = this.createWorker();
      this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.handlers.get(e.data.id)?.(e.data);
      this.worker.onerror = (e) => {
        for (const h of this.handlers.values()) h({ type: 'error', id: 0, error: { code: 'worker-error', message: e.message || 'the run worker failed to load' } });
      };
    }
    return this.worker;
  }

  private send(m: ToWorker): void {
    this.w.postMessage(m);
  }

  /** The engines as the worker sees them (where training runs), best first. */
  engines(): Promise<EngineStatus[]> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.handlers.set(id, (m) => {
        this.handlers.delete(id);
        if (m.type === 'engines') resolve(m.engines);
        else if (m.type === 'error') reject(new WorkerRunError(m.error));
      });
      this.send({ type: 'engines', id });
    });
  }

  run(job: RunJob, o: { data: Omit<WebDataOptions, 'fetch'>; onEvent?: (e: RunEvent) => void }): WorkerRun {
    const id = this.next++;
    const shared = globalThis.crossOriginIsolated && typeof SharedArrayBuffer !== 'undefined' ? new SharedArrayBuffer(4) : null;
    let outcome: RunOutcome | null = null;
    let failure: ErrorData | null = null;
    const done = new Promise<RunOutcome>((resolve, reject) => {
      this.handlers.set(id, (m) => {
        if (m.type === 'event') {
          if (m.event.type === 'finished') outcome = m.event.outcome;
          if (m.event.type === 'failed') failure = m.event.error;
          o.onEvent?.(m.event);
          return;
        }
        this.handlers.delete(id);
        if (m.type === 'error') reject(new WorkerRunError(m.error));
        else if (outcome) resolve(outcome);
        else reject(new WorkerRunError(failure ?? { code: 'internal', message: 'the run ended without an outcome' }));
      });
    });
    this.send({ type: 'run', id, job, data: o.data, stop: shared });
    return {
      outcome: done,
      stop: () => {
        if (shared) Atomics.store(new Int32Array(shared), 0, 1);
        this.send({ type: 'stop', id });
      },
    };
  }

  /** Ends the worker (a run in it ends with it); the next call starts a new one. */
  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
