import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './fs-atomic.js';

export type { RunStatus } from '@modelspec/core';

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * A run's folder under `runs/`: always new (never reuses or overwrites one),
 * every file written atomically, `run.json` saying whether the run completed,
 * was interrupted or failed.
 */
export class RunFolder {
  private constructor(readonly path: string) {}

  /** Creates `<root>/<name>-<timestamp>-s<seed>`, adding `-2`, `-3`, ... if that exists. */
  static async create(root: string, name: string, seed: number): Promise<RunFolder> {
    await mkdir(root, { recursive: true });
    const base = join(root, `${name}-${stamp()}-s${seed}`);
    for (let i = 1; ; i++) {
      const path = i === 1 ? base : `${base}-${i}`;
      try {
        await mkdir(path); // not recursive: fails if it exists, so two runs never share a folder
        return new RunFolder(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  }

  static open(path: string): RunFolder {
    return new RunFolder(path);
  }

  file(rel: string): string {
    return join(this.path, rel);
  }

  writeJson(rel: string, value: unknown): Promise<void> {
    return writeJsonAtomic(this.file(rel), value);
  }

  writeText(rel: string, text: string): Promise<void> {
    return writeFileAtomic(this.file(rel), text);
  }

  /** Appends whole lines (history.jsonl); a crash leaves the lines written so far intact. */
  appendLine(rel: string, line: string): Promise<void> {
    return appendFile(this.file(rel), line.endsWith('\n') ? line : line + '\n');
  }

  async readJson<T>(rel: string): Promise<T> {
    return JSON.parse(await readFile(this.file(rel), 'utf8')) as T;
  }
}
