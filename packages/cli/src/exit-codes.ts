/**
 * The `modelspec` command's exit codes. A script can tell "the figures were
 * not reproduced" (3) from "something went wrong" (1) and "I called it
 * wrong" (2).
 */
export const EXIT = {
  /** Done, and every check asked for passed. */
  ok: 0,
  /** An error: an invalid spec, a failed or diverged run, a bad input or output file, an internal error. */
  error: 1,
  /** The command line is wrong: an unknown option, a missing argument, a bad option value. */
  usage: 2,
  /** It ran, but the verdict check failed: `reproduce --check` found a figure not reproduced (or not measured). */
  checkFailed: 3,
  /** Interrupted (Ctrl-C, SIGTERM, SIGHUP) after keeping what was complete. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** For `--help` and the README: one line per code. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    ok
  1    error: invalid spec, failed run, bad input or output file, internal error
  2    usage error: unknown option, missing argument, bad option value
  3    ran, but the verdict check failed (reproduce --check: a figure not reproduced)
  130  interrupted (Ctrl-C); what was complete is kept
`;
