import type { EngineStatus, ErrorData, RunEvent, RunJob } from '@modelspec/core';
import type { WebDataOptions } from '../data/web-source.js';

/** What a page sends its run worker: plain data (a job, files, a shared stop flag). */
export type ToWorker =
  | { type: 'engines'; id: number }
  | {
      type: 'run';
      id: number;
      job: RunJob;
      data: Omit<WebDataOptions, 'fetch'>;
      /** An Int32Array's buffer the page sets to 1 to stop (read between batches); null when the page is not cross-origin isolated. */
      stop: SharedArrayBuffer | null;
    }
  | { type: 'stop'; id: number };

/** What the worker answers: the run's events as they come, then done. */
export type FromWorker =
  | { type: 'engines'; id: number; engines: EngineStatus[] }
  | { type: 'event'; id: number; event: RunEvent }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; error: ErrorData };
