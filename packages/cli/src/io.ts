/** Where commands write: injected so tests can capture it. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars); false when piped. */
  readonly tty: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  get tty() {
    return Boolean(process.stderr.isTTY);
  },
};
