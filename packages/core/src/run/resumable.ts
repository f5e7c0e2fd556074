import { RunError } from '../errors.js';
import type { RunOutcome } from './outcome.js';
import { checkKeptOutcome, runJob, settleJob, type Executor, type RunnerContext } from './runner.js';

/**
 * An executor that never does the same work twice: a job whose outcome the
 * store kept is reused; a `train` job with an unfinished run (interrupted,
 * failed, or its process killed) goes on from that run's last checkpoint in
 * the same record, and a `fold` job from its last checkpoint; anything else
 * runs anew. Finished outcomes are kept.
 * Reproductions and searches re-run after a crash go on where they stopped.
 */
export function resumableExecutor(ctx: Omit<RunnerContext, 'onEvent' | 'resume'>): Executor {
  const store = ctx.store;
  if (!store) throw new RunError('no-store', 'a resumable executor needs a run store');
  const dataCache = new Map();
  return async (job, onEvent) => {
    const kept = await store.outcome?.(job.id);
    if (kept) {
      await checkKeptOutcome(job, kept, { ...ctx, dataCache });
      onEvent?.({ type: 'reused', job: job.id, outcome: kept });
      return kept;
    }
    const previous = job.kind === 'train' && store.unfinished && store.reopen ? await store.unfinished(job.id) : null;
    const fold = job.kind === 'fold' ? ((await store.foldCheckpoint?.(job.id)) ?? null) : null;
    const outcome: RunOutcome = await runJob(job, {
      ...ctx,
      dataCache,
      ...(onEvent ? { onEvent } : {}),
      ...(previous
        ? {
            resume: {
              state: previous.checkpoint,
              record: (start) => store.reopen!(previous, start),
              ...(previous.engine ? { engine: previous.engine } : {}),
              ...(previous.files ? { files: previous.files } : {}),
            },
          }
        : {}),
      ...(fold ? { resumeFold: fold } : {}),
    });
    await settleJob(store, job, outcome, { keepOutcome: true });
    return outcome;
  };
}
