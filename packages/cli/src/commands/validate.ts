import { formatIssues } from '@modelspec/core';
import { expandSpecPaths, loadSpecFile } from '../spec-files.js';
import type { Io } from '../io.js';

export async function validateCommand(paths: string[], o: { json?: boolean; memoryBudget?: number }, io: Io): Promise<number> {
  const files = await expandSpecPaths(paths);
  const results = await Promise.all(files.map((f) => loadSpecFile(f, o.memoryBudget)));
  if (o.json) {
    io.out(JSON.stringify(results.map((r) => ({ file: r.file, ok: r.ok, issues: r.issues })), null, 2));
  } else {
    for (const r of results) {
      if (r.ok) io.out(`ok ${r.file}${r.issues.length ? ` (${r.issues.length} warning${r.issues.length > 1 ? 's' : ''})` : ''}`);
      if (r.issues.length) io.err(formatIssues(r.issues, r.file));
    }
    const bad = results.filter((r) => !r.ok).length;
    if (results.length > 1 || bad) io.err(`${results.length - bad} valid, ${bad} invalid`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
