import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { ModelspecError, resumableExecutor, runJob, settleJob, type Executor, type RunEvent, type RunnerContext, type RunOutcome, type StopSignal } from '@modelspec/core';
import { checkPayload, DEFAULT_QUEUE, type TrialPayload, type WorkerAbilities } from './payload.js';
import { eventForwarder, reasonOf } from './reason.js';
import { RedisRunStore } from './redis-store.js';
import { connectionOptions, parseRedisUrl } from './url.js';

export interface WorkerOptions {
  /** redis://[user:password@]host:port[/db], or rediss:// for TLS. */
  url: string;
  queue?: string;
  /** What this worker can run (a job needing anything else is refused with the reason). */
  abilities: WorkerAbilities;
  /** Runs trials in this process: registries, backend, plugins (the run store is the queue's). */
  runner: Omit<RunnerContext, 'store' | 'onEvent' | 'resume' | 'dataCache' | 'signal'>;
  /** Where this worker's run folders go. */
  out: string;
  /** Trials at once; more than one need `executor` (tfjs keeps one engine per process). */
  concurrency?: number;
  /**
   * Runs the trials elsewhere (child processes, or a no-op for measuring the
   * queue), given the store; default: in this process, resuming and reusing
   * through the queue's store.
   */
  executor?: (store: RedisRunStore, fresh: boolean) => Executor;
  /** How long a trial's job stays locked without a renewal (ms): a worker silent this long is taken for dead and its trial handed to another. */
  lockDuration?: number;
  /** One line per job event worth a log line. */
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** Stops taking jobs; a trial in progress stops at its next batch, checkpointed, and goes back to the queue for another worker. */
  stop(): Promise<void>;
  readonly store: RedisRunStore;
  readonly describe: string;
}

/** A job refused before it runs fails for good: retrying would refuse it again. */
const refused = (e: unknown) => new UnrecoverableError(reasonOf(e));

/**
 * A queue worker: takes trial jobs from BullMQ, checks each against this
 * worker's schema, plugins and engines, and runs it (resuming a run another
 * worker left, reusing a finished one), sending its events as job progress
 * and returning its outcome as the job's result.
 */
export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const target = parseRedisUrl(o.url);
  const queue = o.queue ?? DEFAULT_QUEUE;
  const store = await RedisRunStore.open(o.url, o.out, queue);
  const stopping = { aborted: false } as { aborted: boolean } & StopSignal;
  const ctx = { ...o.runner, store, signal: stopping };
  const inProcess = {
    resume: resumableExecutor(ctx),
    fresh: (async (job, onEvent) => {
      await store.forget(job.id);
      const outcome = await runJob(job, { ...ctx, ...(onEvent ? { onEvent } : {}) });
      await settleJob(store, job, outcome, { keepOutcome: true });
      return outcome;
    }) as Executor,
  };
  const execFor = (fresh: boolean): Executor => (o.executor ? o.executor(store, fresh) : fresh ? inProcess.fresh : inProcess.resume);
  const execs = { resume: execFor(false), fresh: execFor(true) };
  const log = o.log ?? (() => {});

  const processor = async (job: Job, token?: string): Promise<RunOutcome> => {
    let payload: TrialPayload;
    try {
      payload = checkPayload(job.data, o.abilities);
    } catch (e) {
      log(`${job.id}: refused: ${reasonOf(e)}`);
      throw refused(e);
    }
    const events = eventForwarder((e) => job.updateProgress(e as unknown as Record<string, unknown>));
    const onEvent = (e: RunEvent) => {
      if (e.type === 'finished') return; // its outcome is the job's result
      if (e.type === 'started') log(`${job.id}: started on ${e.engine.name}${e.resumedFrom !== null ? `, resuming after epoch ${e.resumedFrom}` : ''}${e.location ? ` → ${e.location}` : ''}`);
      if (e.type === 'reused') log(`${job.id}: already ran to the end; its outcome is reused`);
      if (e.type === 'epoch') log(`${job.id}: epoch ${e.record.epoch}`);
      if (e.type === 'checkpoint') log(`${job.id}: checkpoint ${e.epoch < 0 ? 'mid-epoch' : `after epoch ${e.epoch}`} in the queue's store`);
      events.push(e);
    };
    try {
      const outcome = await (payload.fresh ? execs.fresh : execs.resume)(payload.job, onEvent);
      await events.flush();
      if (outcome.status === 'interrupted' && stopping.aborted) {
        // this worker is stopping: the trial goes back to the queue, to go on from its checkpoint elsewhere
        log(`${job.id}: stopped; back to the queue`);
        await job.moveToWait(token);
        throw new WaitingError();
      }
      log(`${job.id}: ${outcome.status}`);
      return outcome;
    } catch (e) {
      if (e instanceof WaitingError) throw e;
      await events.flush();
      log(`${job.id}: failed: ${reasonOf(e)}`);
      // a modelspec error (bad data, a diverged check, a refused resume) would fail again the same way
      // a process of the pool that died is not the trial's fault: the queue retries it
      throw e instanceof ModelspecError && e.code !== 'worker-died' ? refused(e) : new Error(reasonOf(e));
    }
  };

  const worker = new Worker(queue, processor, {
    connection: connectionOptions(target),
    concurrency: o.concurrency ?? 1,
    lockDuration: o.lockDuration ?? 30_000,
    stalledInterval: Math.min(30_000, o.lockDuration ?? 30_000),
    // a trial recovered from a dead worker twice is more likely to kill the next one than to finish
    maxStalledCount: 2,
    autorun: true,
  });
  worker.on('error', (e) => log(`queue error: ${e.message}`));
  await worker.waitUntilReady();
  return {
    store,
    describe: `${target.shown} (queue ${queue})`,
    async stop() {
      stopping.aborted = true;
      await worker.close();
      await store.close();
    },
  };
}
