import type { RunEvent } from './events.js';
import type { RunJob } from './job.js';
import type { RunOutcome } from './outcome.js';
import type { Executor } from './runner.js';

/**
 * Runs jobs through an executor, keeping up to `exec.concurrency` of them in
 * flight (1 for an in-process executor: tfjs's engine is one per process;
 * more for worker processes or a queue), and starting no new one once a stop
 * is asked for. Outcomes come back in the jobs' order; a job never started
 * is null.
 */
export async function runAll(
  jobs: readonly RunJob[],
  exec: Executor,
  o: { shouldStop?: () => boolean; onEvent?: (e: RunEvent, index: number) => void; onOutcome?: (outcome: RunOutcome, index: number) => void } = {},
): Promise<(RunOutcome | null)[]> {
  const out: (RunOutcome | null)[] = jobs.map(() => null);
  let next = 0;
  let failed: unknown = null;
  const lane = async () => {
    while (next < jobs.length && failed === null && !o.shouldStop?.()) {
      const i = next++;
      try {
        const outcome = await exec(jobs[i]!, o.onEvent ? (e) => o.onEvent!(e, i) : undefined);
        out[i] = outcome;
        o.onOutcome?.(outcome, i);
        // an interrupted job means a stop was asked for: start nothing more
        if (outcome.status === 'interrupted') next = jobs.length;
      } catch (e) {
        failed ??= e;
      }
    }
  };
  const lanes = Math.max(1, Math.min(exec.concurrency ?? 1, jobs.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failed !== null) throw failed;
  return out;
}
