import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';

/** The repository root and the real `modelspec` binary (it runs packages/cli/dist, built by `tsc -b`). */
export const root = resolve(__dirname, '../../../..');
export const bin = join(root, 'packages/cli/bin/modelspec.js');
export const FASHION = '/usr/share/datasets/fashion-mnist';

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
  /** The command ran past its time limit and was stopped. */
  timedOut: boolean;
}

/**
 * Runs `modelspec` as a user would, in `cwd`: no colors, no data folder or
 * debug setting inherited from the caller's shell, unless `env` sets them.
 */
export function modelspec(args: string[], cwd: string = root, o: { timeout?: number; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, MODELSPEC_DATA_DIR: '', MODELSPEC_DEBUG: '', NO_COLOR: '1', ...o.env },
    timeout: o.timeout ?? 300_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr, timedOut: r.error !== undefined };
}

/** Fresh temporary folders for one test file, removed when its tests end. */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return () => {
    const d = mkdtempSync(join(tmpdir(), `modelspec-${prefix}-`));
    made.push(d);
    return d;
  };
}
