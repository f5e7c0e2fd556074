import { errorData, RunError, type ErrorData, type RunEvent } from '@modelspec/core';

/** An error as a job's failed reason: readable on the job (`[code] message (fix: hint)`), and read back whole by the submitter. */
export function reasonOf(e: unknown): string {
  const d = errorData(e);
  return `[${d.code}] ${d.message}${d.hint ? ` (fix: ${d.hint})` : ''}`;
}

export function dataOfReason(reason: string): ErrorData {
  const m = /^\[([\w-]+)\] ([\s\S]*?)(?: \(fix: ([\s\S]*)\))?$/.exec(reason);
  return m ? { code: m[1]!, message: m[2]!, ...(m[3] ? { hint: m[3] } : {}) } : { code: 'worker-failed', message: reason };
}

export const errorOf = (d: ErrorData): RunError => new RunError(d.code, d.message, d.hint);

/**
 * Sends a run's events on, in order, without flooding the queue: at most
 * one batch event every `batchMs` (a progress bar needs no more), every
 * other event as it comes. `flush` waits until all are sent.
 */
export function eventForwarder(send: (e: RunEvent) => Promise<unknown>, batchMs = 250): { push(e: RunEvent): void; flush(): Promise<void> } {
  let chain: Promise<unknown> = Promise.resolve();
  let lastBatch = 0;
  const enqueue = (e: RunEvent) => {
    chain = chain.then(() => send(e)).catch(() => {}); // a lost progress event is not a lost trial
  };
  return {
    push(e) {
      if (e.type === 'batch') {
        const t = Date.now();
        if (t - lastBatch < batchMs) return;
        lastBatch = t;
      }
      enqueue(e);
    },
    flush: () => chain.then(() => {}),
  };
}
