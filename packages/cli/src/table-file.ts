import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReproductionsTable, tableRow, type Reproduction, type TableRow } from '@modelspec/core';
import { writeFileAtomic, writeJsonAtomic } from '@modelspec/backend-node';

/**
 * REPRODUCTIONS.md is written only by the tool. Its rows live as data in
 * `reports/reproductions.json`, so reproducing one spec updates its row and
 * keeps the others.
 */
export async function updateReproductionsTable(root: string, reportsDir: string, rep: Reproduction | TableRow, reportLink: string | null, allSpecs: string[]): Promise<string> {
  const dataFile = join(reportsDir, 'reproductions.json');
  const rows: TableRow[] = await readFile(dataFile, 'utf8').then((t) => JSON.parse(t) as TableRow[], () => []);
  const row = 'runs' in rep ? tableRow(rep, reportLink) : rep;
  const next = [...rows.filter((r) => r.spec !== row.spec), row];
  await writeJsonAtomic(dataFile, next);
  const file = join(root, 'REPRODUCTIONS.md');
  await writeFileAtomic(file, renderReproductionsTable(next, allSpecs));
  return file;
}
