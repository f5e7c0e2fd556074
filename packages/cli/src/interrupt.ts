import type { Io } from './io.js';

/** The signals that ask a long command to stop: Ctrl-C, `kill`, a closed terminal. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Stop handling shared by the long commands: the first Ctrl-C (or SIGTERM,
 * or SIGHUP) asks the work to stop at the next batch (and says so); the
 * second quits at once. `aborted` makes it a stop signal for the runner.
 */
export function interruptible(io: Io, message?: string): { readonly stopped: boolean; readonly aborted: boolean; release(): void } {
  let stopped = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopped) process.exit(130);
    stopped = true;
    if (message) io.err(`\n${sig === 'SIGINT' ? 'interrupt' : sig}: ${message}`);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    get stopped() {
      return stopped;
    },
    get aborted() {
      return stopped;
    },
    release: () => {
      for (const s of SIGNALS) process.off(s, onSignal);
    },
  };
}
