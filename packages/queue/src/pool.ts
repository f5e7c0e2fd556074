import type { ChildProcess } from 'node:child_process';
import { errorData, RunError, type ErrorData, type Executor, type RunEvent, type RunJob, type RunOutcome, type StopSignal } from '@modelspec/core';
import { errorOf } from './reason.js';

/** What a pool sends its processes, and what they answer: JSON over Node's IPC channel. */
export type ToChild = { type: 'run'; job: RunJob; fresh: boolean } | { type: 'stop' } | { type: 'threads'; n: number };
export type FromChild = { type: 'event'; event: RunEvent } | { type: 'done'; outcome: RunOutcome } | { type: 'error'; error: ErrorData };

export interface PoolOptions {
  /** Processes at most (each runs one trial at a time, with its own tfjs engine). */
  size: number;
  /** Starts one process (a `modelspec worker --ipc`), with an IPC channel. */
  spawn: () => ChildProcess;
  /** A stop asked for: every running trial stops at its next batch, checkpointed. */
  signal?: StopSignal;
  /**
   * Threads the running trials share (the cores): each busy process is told
   * its share (at least 1) whenever a trial starts or ends, so a trial left
   * running alone (the last seed of three on two processes) uses them all.
   * Unset: each process keeps the threads it started with.
   */
  threads?: number;
}

/** `threads` cut into `n` shares that differ by one at most (each at least 1). */
export function threadShares(threads: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.max(1, Math.floor(threads / n) + (i < threads % n ? 1 : 0)));
}

export interface Pool {
  readonly size: number;
  run(job: RunJob, fresh: boolean, onEvent?: (e: RunEvent) => void): Promise<RunOutcome>;
  /** The pool as an executor (`concurrency` = its size). */
  executor(fresh: boolean): Executor;
}

/** Idle processes do not keep the parent alive: when the command is done, it exits and they follow (their channel closes). */
function hold(p: ChildProcess, busy: boolean) {
  const channel = (p as unknown as { channel?: { ref(): void; unref(): void } }).channel;
  if (busy) {
    p.ref();
    channel?.ref();
  } else {
    p.unref();
    channel?.unref();
  }
}

/**
 * A local process pool: up to `size` processes, each taking one trial at a
 * time and reporting its events and outcome as JSON. Processes are started
 * when first needed and kept for the next trial (a search's folds load the
 * data once per process).
 */
export function processPool(o: PoolOptions): Pool {
  const idle: ChildProcess[] = [];
  const busy = new Set<ChildProcess>();
  let stopSent = false;
  let poll: ReturnType<typeof setInterval> | null = null;
  const told = new WeakMap<ChildProcess, number>();
  const share = () => {
    if (!o.threads) return;
    const shares = threadShares(o.threads, busy.size);
    [...busy].forEach((p, i) => {
      if (told.get(p) === shares[i] || !p.connected) return;
      told.set(p, shares[i]!);
      p.send({ type: 'threads', n: shares[i]! } satisfies ToChild);
    });
  };
  const watchStop = () => {
    if (!o.signal || poll) return;
    poll = setInterval(() => {
      if (!o.signal!.aborted || stopSent) return;
      stopSent = true;
      for (const p of busy) p.send({ type: 'stop' } satisfies ToChild);
    }, 100);
    poll.unref();
  };

  const run = (job: RunJob, fresh: boolean, onEvent?: (e: RunEvent) => void): Promise<RunOutcome> => {
    watchStop();
    const p = idle.pop() ?? o.spawn();
    busy.add(p);
    hold(p, true);
    return new Promise<RunOutcome>((resolve, reject) => {
      const finish = (ok: boolean) => {
        p.off('message', onMessage);
        p.off('exit', onExit);
        busy.delete(p);
        share();
        if (ok) {
          idle.push(p);
          hold(p, false);
        }
      };
      const onMessage = (m: FromChild) => {
        if (m.type === 'event') onEvent?.(m.event);
        else if (m.type === 'done') {
          finish(true);
          resolve(m.outcome);
        } else if (m.type === 'error') {
          finish(true);
          reject(errorOf(m.error));
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        finish(false);
        reject(new RunError('worker-died', `the process running job ${job.id} ended (${signal ?? `exit code ${code}`}) before the trial did`, 'run it again: a train job resumes from its last checkpoint'));
      };
      p.on('message', onMessage);
      p.on('exit', onExit);
      share(); // before its job: the trial starts with its share
      p.send({ type: 'run', job, fresh } satisfies ToChild);
      if (stopSent) p.send({ type: 'stop' } satisfies ToChild);
    });
  };
  return {
    size: o.size,
    run,
    executor: (fresh) => Object.assign((job: RunJob, onEvent?: (e: RunEvent) => void) => run(job, fresh, onEvent), { concurrency: o.size }),
  };
}

/**
 * The process side of a pool: runs the trials its parent sends, one at a
 * time, with `exec` (fresh or not), and stops when asked (`stop`) or when
 * the parent is gone.
 */
export function servePool(o: { exec(fresh: boolean): Executor; stop(): void; threads?(n: number): void }): void {
  // the parent gone (killed): nothing to report to, and nothing to do
  const send = (m: FromChild) => process.connected && process.send?.(m, undefined, undefined, (e: Error | null) => e && process.exit(0));
  process.on('message', (m: ToChild) => {
    if (m.type === 'stop') return o.stop();
    if (m.type === 'threads') return o.threads?.(m.n);
    if (m.type !== 'run') return;
    o.exec(m.fresh)(m.job, (event) => send({ type: 'event', event })).then(
      (outcome) => send({ type: 'done', outcome }),
      (e) => send({ type: 'error', error: errorData(e) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
