import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { composed } from './compose.js';
import { issue, type Issue, type LoadResult, type Registries, type SpecLoader } from '@modelspec/core';
import { ModelspecError, PARSE_LIMITS } from '@modelspec/core';
import { realpath } from 'node:fs/promises';
import { isAbsolute, sep } from 'node:path';

/** The registries and compiled validator of this process (built-ins plus the plugins the user opted into). */
export function specLoader(): { reg: Registries; loader: SpecLoader } {
  return composed();
}

/** The path as the user should read it: relative to the working directory when inside it. */
export const shown = (p: string) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

/** Expands folders to the .yaml/.yml/.json specs inside them (sorted); a folder with none is an error, never nothing to do. */
export async function expandSpecPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (s?.isDirectory()) {
      const names = (await readdir(p)).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
      if (!names.length) throw new ModelspecError('no-specs', `${p}: no spec files (.yaml, .yml, .json) in this folder`, 'name spec files, or a folder that holds some');
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
  // `extends` stays inside the spec's project: the nearest folder upward from the spec holding a
  // package.json or .git (else the spec's own folder), symbolic links resolved. A base must be a
  // regular .yaml/.yml/.json file of spec size. MODELSPEC_ALLOW_EXTENDS_OUTSIDE=1 lifts the folder
  // rule (not the others) for a user who shares bases across projects.
  const outsideAllowed = process.env['MODELSPEC_ALLOW_EXTENDS_OUTSIDE'] === '1';
  const projectRoot = async (): Promise<string> => {
    const start = dirname(await realpath(path));
    for (let dir = start; ; dir = dirname(dir)) {
      for (const marker of ['package.json', '.git']) {
        if (await stat(join(dir, marker)).then(() => true, () => false)) return dir;
      }
      if (dirname(dir) === dir) return start;
    }
  };
  let root: string | undefined;
  const read = async (p: string, from: string) => {
    const abs = resolve(dirname(resolve(from)), p);
    const refuse = (code: string, message: string, hint?: string): never => {
      throw new ModelspecError(code, message, hint);
    };
    if (!/\.(ya?ml|json)$/i.test(abs)) refuse('extends-not-spec', 'a spec extends a .yaml, .yml or .json file');
    const real = await realpath(abs).catch((e: NodeJS.ErrnoException) => refuse('extends-unreadable', e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 'no such file' : `cannot open it (${e.code ?? 'error'})`));
    if (!outsideAllowed) {
      root ??= await projectRoot();
      const rel = relative(root, real);
      if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
        refuse('extends-outside', `it is outside this spec's project (${shown(root)})`, 'a base spec lives in the same project: the nearest folder up with a package.json or .git; set MODELSPEC_ALLOW_EXTENDS_OUTSIDE=1 to allow others');
      }
    }
    const info = await stat(real);
    if (!info.isFile()) refuse('extends-not-spec', 'it is not a regular file');
    if (info.size > PARSE_LIMITS.maxBytes) refuse('extends-not-spec', `it is ${info.size} bytes; a spec is at most ${PARSE_LIMITS.maxBytes}`);
    return { text: await readFile(real, 'utf8'), file: shown(abs) };
  };
  return specLoader().loader.loadComposed(text, file, read, { ...(memoryBudgetBytes ? { memoryBudgetBytes } : {}), ...(overrides ? { overrides } : {}) });
}

/** A spec's warnings as a report lists them ("path: message"). */
export const warningLines = (issues: readonly Issue[]): string[] =>
  issues.filter((i) => i.severity === 'warning').map((i) => `${i.path}: ${i.message}`);
