import { mkdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReproductionsTable, tableRow, type Reproduction, type TableRow } from '@modelspec/core';
import { writeFileAtomic, writeJsonAtomic } from '@modelspec/backend-node';

/**
 * REPRODUCTIONS.md is written only by the tool. Its rows live as data in
 * `reports/reproductions.json`, so reproducing one spec updates its row and
 * keeps the others. Two reproductions finishing at once (two terminals) take
 * turns through a lock folder, so neither row is lost.
 */
export async function updateReproductionsTable(root: string, reportsDir: string, rep: Reproduction | TableRow, reportLink: string | null, allSpecs: string[], explanations: Record<string, string | undefined> = {}, lockTimeoutMs = 30_000): Promise<string> {
  const lock = join(reportsDir, '.reproductions.lock');
  await mkdir(reportsDir, { recursive: true });
  for (let waited = 0; ; waited += 100) {
    try {
      await mkdir(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (waited >= lockTimeoutMs) {
        throw new Error(`${lock} has been held for ${Math.round(lockTimeoutMs / 1000)} s; if no other modelspec reproduce is running, remove it and run again`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await writeTable(root, reportsDir, rep, reportLink, allSpecs, explanations);
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

async function writeTable(root: string, reportsDir: string, rep: Reproduction | TableRow, reportLink: string | null, allSpecs: string[], explanations: Record<string, string | undefined>): Promise<string> {
  const dataFile = join(reportsDir, 'reproductions.json');
  const rows: TableRow[] = await readFile(dataFile, 'utf8').then((t) => JSON.parse(t) as TableRow[], () => []);
  const row = 'runs' in rep ? tableRow(rep, reportLink) : rep;
  const next = [...rows.filter((r) => r.spec !== row.spec), row];
  await writeJsonAtomic(dataFile, next);
  const file = join(root, 'REPRODUCTIONS.md');
  await writeFileAtomic(file, renderReproductionsTable(next, allSpecs, explanations));
  return file;
}
