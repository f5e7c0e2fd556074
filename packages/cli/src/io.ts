import { EXIT } from './exit-codes.js';

/** Where commands write: injected so tests can capture it. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars); false when piped. */
  readonly tty: boolean;
}

/**
 * A reader that stops reading (`modelspec schema | head`) ends the command
 * quietly, as a pipe ends `cat`; any other failure to write the output (a
 * full disk under `> file`) is one line on stderr and exit 1. Node reports
 * these as 'error' events, later than the write: listened to from the first
 * write on, so importing this module changes nothing.
 */
let guarded = false;
function stdioFailed(e: NodeJS.ErrnoException, stream: 'standard output' | 'standard error'): never {
  if (e.code === 'EPIPE') process.exit(EXIT.ok);
  if (stream === 'standard output') {
    try {
      process.stderr.write(`error: cannot write to ${stream}: ${e.code === 'ENOSPC' ? 'no space left on the device (ENOSPC)' : e.message}\n`);
    } catch {
      // stderr is gone too: the exit code says it
    }
  }
  process.exit(EXIT.error);
}
function write(stream: NodeJS.WriteStream, name: 'standard output' | 'standard error', text: string): void {
  if (!guarded) {
    guarded = true;
    process.stdout.on('error', (e) => stdioFailed(e, 'standard output'));
    process.stderr.on('error', (e) => stdioFailed(e, 'standard error'));
  }
  try {
    stream.write(text + '\n');
  } catch (e) {
    // a file or a terminal is written synchronously: its errors are thrown here
    stdioFailed(e as NodeJS.ErrnoException, name);
  }
}

export const processIo: Io = {
  out: (t) => write(process.stdout, 'standard output', t),
  err: (t) => write(process.stderr, 'standard error', t),
  get tty() {
    return Boolean(process.stderr.isTTY);
  },
};
