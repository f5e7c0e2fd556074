import type { Io } from './io.js';

/**
 * Ctrl-C handling shared by the long commands: the first interrupt asks the
 * work to stop at the next batch (and says so), the second quits at once.
 */
export function interruptible(io: Io, message?: string): { readonly stopped: boolean; release(): void } {
  let stopped = false;
  const onSigint = () => {
    if (stopped) process.exit(130);
    stopped = true;
    if (message) io.err(`\ninterrupt: ${message}`);
  };
  process.on('SIGINT', onSigint);
  return {
    get stopped() {
      return stopped;
    },
    release: () => void process.off('SIGINT', onSigint),
  };
}
