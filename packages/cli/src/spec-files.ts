import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { builtinRegistries, createSpecLoader, issue, type Issue, type LoadResult, type Registries, type SpecLoader } from '@modelspec/core';

let cached: { reg: Registries; loader: SpecLoader } | undefined;

/** One registry set and one compiled validator per process. */
export function specLoader() {
  if (!cached) {
    const reg = builtinRegistries();
    cached = { reg, loader: createSpecLoader(reg) };
  }
  return cached;
}

/** The path as the user should read it: relative to the working directory when inside it. */
export const shown = (p: string) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

/** Expands folders to the .yaml/.yml/.json specs inside them (sorted). */
export async function expandSpecPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (s?.isDirectory()) {
      const names = (await readdir(p)).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
      out.push(...names.map((n) => join(p, n)));
    } else out.push(p);
  }
  return out;
}

export async function loadSpecFile(path: string, memoryBudgetBytes?: number, overrides?: Record<string, unknown>): Promise<LoadResult> {
  const file = shown(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, file, issues: [issue('file-unreadable', '', code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}`, { loc: { file, line: 1, col: 1 } })] };
  }
  const read = async (p: string, from: string) => {
    const abs = resolve(dirname(resolve(from)), p);
    return { text: await readFile(abs, 'utf8'), file: shown(abs) };
  };
  return specLoader().loader.loadComposed(text, file, read, { ...(memoryBudgetBytes ? { memoryBudgetBytes } : {}), ...(overrides ? { overrides } : {}) });
}

/** A spec's warnings as a report lists them ("path: message"). */
export const warningLines = (issues: readonly Issue[]): string[] =>
  issues.filter((i) => i.severity === 'warning').map((i) => `${i.path}: ${i.message}`);
