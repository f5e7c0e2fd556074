import { readFile, writeFile } from 'node:fs/promises';
import { formatIssues, formatSpec } from '@modelspec/core';
import { expandSpecPaths, shown, specLoader } from '../spec-files.js';
import type { Io } from '../io.js';

/**
 * Rewrites specs in the one layout (`formatSpec`): keys in schema order, block
 * mappings, comments kept. `--check` writes nothing and fails when a file
 * would change (for CI).
 */
export async function fmtCommand(paths: string[], o: { check?: boolean }, io: Io): Promise<number> {
  const files = await expandSpecPaths(paths);
  const schema = specLoader().loader.validator.schema;
  let changed = 0;
  let failed = 0;
  for (const path of files) {
    const file = shown(path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      io.err(`${file}:1:1 error ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}`}`);
      failed++;
      continue;
    }
    const r = formatSpec(text, file, schema);
    if (!r.ok) {
      io.err(formatIssues(r.issues, file));
      failed++;
    } else if (r.changed) {
      changed++;
      if (o.check) io.out(`would reformat ${file}`);
      else {
        await writeFile(path, r.text);
        io.out(`formatted ${file}`);
      }
    }
  }
  const n = files.length;
  const verb = o.check ? 'would be reformatted' : 'reformatted';
  io.err(`${n} file${n === 1 ? '' : 's'}: ${changed} ${verb}, ${n - changed - failed} already formatted${failed ? `, ${failed} not formatted (see above)` : ''}`);
  if (o.check && changed) io.err('fix: run `modelspec fmt` on them');
  return failed || (o.check && changed) ? 1 : 0;
}
