import { Queue, QueueEvents } from 'bullmq';
import { RunError, type Executor, type RunEvent, type RunJob, type RunOutcome, type StopSignal } from '@modelspec/core';
import { DEFAULT_QUEUE, type TrialPayload } from './payload.js';
import { dataOfReason, errorOf } from './reason.js';
import { connectionOptions, parseRedisUrl } from './url.js';

export interface QueueExecutorOptions {
  url: string;
  queue?: string;
  /** Run every trial anew: a finished job is removed and queued again, and workers reuse and resume nothing. */
  fresh?: boolean;
  /** A stop asked for: trials not yet started are taken off the queue; running ones go on on their workers (and are reused next time). */
  signal?: StopSignal;
  /** At most this many trials queued at once by this submitter (default: all of them). */
  concurrency?: number;
}

/** A trial left to the queue when the submitter stops: no result here. */
const leftOnQueue = (job: RunJob): RunOutcome => ({
  job: job.id,
  status: 'interrupted',
  engine: { name: 'queue', description: 'left on the queue', available: true },
  location: null,
  classNames: [],
  summary: null,
  fold: null,
  counts: { train: 0, validation: 0, test: 0 },
});

interface Waiter {
  done(r: { ok: true } | { ok: false; reason: string }): void;
  onEvent?: (e: RunEvent) => void;
}

/**
 * An executor that runs trials on queue workers: each job is added to a
 * BullMQ queue under its own id (deterministic: a re-submitted trial that
 * finished returns its kept result, one queued or running is waited for, a
 * failed one is queued again), its events come back as job progress, and it
 * resolves with the outcome the worker returned. The connections live while
 * trials are in flight, so a finished command exits.
 */
export function queueExecutor(o: QueueExecutorOptions): Executor {
  const target = parseRedisUrl(o.url);
  const name = o.queue ?? DEFAULT_QUEUE;
  const waiters = new Map<string, Waiter>();
  let conn: Promise<{ queue: Queue; events: QueueEvents }> | null = null;
  let closing: Promise<void> = Promise.resolve();
  let inFlight = 0;

  const open = async () => {
    await closing;
    const queue = new Queue(name, { connection: connectionOptions(target) });
    let events: QueueEvents | null = null;
    try {
      // QueueEvents reads the event stream from its first read on ('$'), which can come after a job that ends at
      // once (a refusal) has ended: it starts from the stream's last entry now, before any job of ours is added
      // (the Redis backend's client is ioredis; BullMQ's own client type leaves its stream reads out)
      const client = (await queue.backend.client) as unknown as { xrevrange(key: string, end: string, start: string, count: 'COUNT', n: number): Promise<[string, string[]][]> };
      const last = await client.xrevrange(queue.keys['events']!, '+', '-', 'COUNT', 1);
      events = new QueueEvents(name, { connection: connectionOptions(target), lastEventId: last[0]?.[0] ?? '0-0' });
      events.on('progress', ({ jobId, data }) => waiters.get(jobId)?.onEvent?.(data as unknown as RunEvent));
      events.on('completed', ({ jobId }) => waiters.get(jobId)?.done({ ok: true }));
      events.on('failed', ({ jobId, failedReason }) => waiters.get(jobId)?.done({ ok: false, reason: failedReason }));
      await events.waitUntilReady();
    } catch (e) {
      await Promise.allSettled([queue.close(), events?.close()]);
      throw new RunError('queue-unreachable', `cannot reach the queue at ${target.shown}: ${(e as Error).message}`, 'start Redis there (redis-server), or check the host, port and password');
    }
    return { queue, events };
  };

  const run = async (job: RunJob, onEvent?: (e: RunEvent) => void): Promise<RunOutcome> => {
    const { queue } = await (conn ??= open());
    let settle!: (r: { ok: true } | { ok: false; reason: string }) => void;
    const finished = new Promise<{ ok: true } | { ok: false; reason: string }>((r) => (settle = r));
    // listening before looking, so that an end between the look and the wait is not missed
    waiters.set(job.id, { done: settle, ...(onEvent ? { onEvent } : {}) });
    let stopPoll: ReturnType<typeof setInterval> | null = null;
    try {
      let existing = await queue.getJob(job.id);
      if (existing) {
        const state = await existing.getState();
        if (state === 'completed' && !o.fresh && existing.returnvalue) {
          const outcome = existing.returnvalue as RunOutcome;
          onEvent?.({ type: 'reused', job: job.id, outcome });
          return outcome;
        }
        if (state === 'completed' || state === 'failed') {
          await existing.remove();
          existing = undefined;
        }
      }
      if (!existing) {
        const payload: TrialPayload = { v: 1, job, fresh: !!o.fresh };
        // a worker's process that died (out of memory, say) is retried, going on from the trial's last checkpoint;
        // a refused job or a modelspec error fails at once (UnrecoverableError on the worker)
        await queue.add('trial', payload, { jobId: job.id, attempts: 3, removeOnComplete: false, removeOnFail: false });
      }
      const stopped = new Promise<'stopped'>((resolve) => {
        if (!o.signal) return;
        stopPoll = setInterval(() => o.signal!.aborted && resolve('stopped'), 200);
      });
      const r = await Promise.race([finished, stopped]);
      if (r === 'stopped') {
        const bj = await queue.getJob(job.id);
        if (bj && ['waiting', 'prioritized', 'delayed'].includes(await bj.getState())) await bj.remove().catch(() => {});
        return leftOnQueue(job);
      }
      if (!r.ok) throw errorOf(dataOfReason(r.reason));
      const done = await queue.getJob(job.id);
      const outcome = done?.returnvalue as RunOutcome | undefined;
      if (!outcome || outcome.job !== job.id) throw new RunError('queue-result-missing', `job ${job.id} completed on the queue without its outcome (removed meanwhile?)`, 'submit it again');
      onEvent?.({ type: 'finished', job: job.id, outcome });
      return outcome;
    } finally {
      if (stopPoll) clearInterval(stopPoll);
      waiters.delete(job.id);
    }
  };

  const exec = async (job: RunJob, onEvent?: (e: RunEvent) => void): Promise<RunOutcome> => {
    inFlight++;
    try {
      return await run(job, onEvent);
    } finally {
      if (--inFlight === 0 && conn) {
        const c = conn;
        conn = null;
        closing = c.then(({ queue, events }) => Promise.all([events.close(), queue.close()])).then(() => {}, () => {});
      }
    }
  };
  return Object.assign(exec, { concurrency: o.concurrency ?? 10_000 });
}
