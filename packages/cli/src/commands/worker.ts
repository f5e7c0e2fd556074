import { resolve } from 'node:path';
import { localExecutor, resumableExecutor, RunError, type Executor, type RunStore } from '@modelspec/core';
import { setNativeThreads } from '@modelspec/backend-node';
import { processPool, RedisRunStore, servePool, startWorker, DEFAULT_QUEUE } from '@modelspec/queue';
import { composed } from '../compose.js';
import type { Io } from '../io.js';
import { checkOutDir } from '../output-dir.js';

export interface WorkerOptions {
  queue?: string;
  concurrency?: number;
  out: string;
  /** The queue's name in Redis (several queues can share one Redis). */
  name?: string;
  /** Milliseconds a trial stays locked without a renewal before another worker takes it. */
  lockDuration?: number;
  /** Internal: a process of a pool, taking trials over its IPC channel. */
  ipc?: boolean;
  specDir?: string;
}

const stamp = () => new Date().toISOString().slice(11, 19);

/** A pool's process: runs what its parent sends, recording under --out, or in the queue's store when --queue is given. */
async function servePoolProcess(o: WorkerOptions): Promise<number> {
  const c = composed();
  const stop = { aborted: false };
  // a Ctrl-C in the terminal reaches the whole process group: stop at the batch, as the parent does
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => (stop.aborted = true));
  const store: RunStore = o.queue ? await RedisRunStore.open(o.queue, resolve(o.out), o.name ?? DEFAULT_QUEUE) : c.store(o.out);
  const ctx = { registries: c.reg, backend: c.backend(o.specDir), store, plugins: c.host.records(), signal: stop };
  const execs: Record<'fresh' | 'resume', Executor> = { fresh: localExecutor(ctx), resume: resumableExecutor(ctx) };
  servePool({ exec: (fresh) => execs[fresh ? 'fresh' : 'resume'], stop: () => (stop.aborted = true), threads: setNativeThreads });
  return new Promise<number>(() => {}); // ends when the parent goes (the channel closes)
}

/**
 * A queue worker: takes trials from the Redis queue and runs them with this
 * machine's engines and plugins until stopped (Ctrl-C or SIGTERM: the trial
 * in progress stops at its next batch, checkpointed, and goes back to the
 * queue for another worker; a second one quits at once).
 */
export async function workerCommand(o: WorkerOptions, io: Io): Promise<number> {
  if (o.ipc) return servePoolProcess(o);
  if (!o.queue) {
    io.err('worker: --queue redis://host:port[/db] is required (the Redis the submitters use)');
    return 2;
  }
  await checkOutDir(o.out);
  const c = composed();
  const backend = c.backend();
  const engines = (await backend.engines()).filter((e) => e.available).map((e) => e.name);
  const concurrency = o.concurrency ?? 1;
  const name = o.name ?? DEFAULT_QUEUE;
  const log = (line: string) => io.err(`${stamp()} worker: ${line}`);
  // Trials run in processes of their own, one each (tfjs keeps one engine per process), so that
  // this one's event loop is always free to renew the queue's locks: a trial decoding a dataset
  // for seconds must not look like a dead worker.
  const stopAsked = { aborted: false };
  const pool = processPool({ size: concurrency, signal: stopAsked, ...(c.poolThreads ? { threads: c.poolThreads } : {}), spawn: () => c.spawnWorker(['--queue', o.queue!, '--name', name, '--out', resolve(o.out)]) });
  let worker;
  try {
    worker = await startWorker({
      url: o.queue,
      queue: name,
      concurrency,
      out: resolve(o.out),
      abilities: { validator: c.loader.validator, plugins: c.host.records(), engines },
      runner: { registries: c.reg, backend, plugins: c.host.records() },
      executor: (_store, fresh) => pool.executor(fresh),
      ...(o.lockDuration ? { lockDuration: o.lockDuration } : {}),
      log,
    });
  } catch (e) {
    if (e instanceof RunError) throw e;
    throw new RunError('queue-unreachable', `cannot reach the queue at ${o.queue.replace(/\/\/[^@/]*@/, '//***@')}: ${(e as Error).message}`, 'start Redis there (redis-server), or check the host, port and password');
  }
  const plugins = c.host.records().map((p) => `${p.name}@${p.version}`);
  log(`listening on ${worker.describe}, ${concurrency} trial(s) at a time; engines ${engines.join(', ')}; plugins ${plugins.join(', ')}`);
  return new Promise<number>((done) => {
    let stopping = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      stopAsked.aborted = true;
      log(`${sig}: stopping; a trial in progress goes back to the queue at its next batch (again to quit at once)`);
      worker.stop().then(
        () => done(130),
        () => done(130),
      );
    };
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
  });
}
