import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelspecError, renderReproductionsTable, tableRow, type Reproduction, type TableRow } from '@modelspec/core';
import { ownerAlive, thisProcess, writeFileAtomic, writeJsonAtomic, type Owner } from '@modelspec/backend-node';

/**
 * REPRODUCTIONS.md is written only by the tool. Its rows live as data in
 * `reports/reproductions.json`, so reproducing one spec updates its row and
 * keeps the others. Two reproductions finishing at once (two terminals) take
 * turns through a lock folder, so neither row is lost.
 */
export async function updateReproductionsTable(root: string, reportsDir: string, rep: Reproduction | TableRow, reportLink: string | null, allSpecs: string[], explanations: Record<string, string | undefined> = {}, lockTimeoutMs = 30_000): Promise<string> {
  const lock = join(reportsDir, '.reproductions.lock');
  await mkdir(reportsDir, { recursive: true });
  await takeLock(lock, lockTimeoutMs);
  try {
    return await writeTable(root, reportsDir, rep, reportLink, allSpecs, explanations);
  } finally {
    await rm(lock, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * A lock folder that records its owner (pid and host). A lock whose owner is
 * gone (a writer that was killed) is taken over at once; one with no owner
 * record is taken over once it is older than a writer ever holds it.
 */
export async function takeLock(lock: string, timeoutMs: number): Promise<void> {
  for (let waited = 0; ; waited += 100) {
    try {
      await mkdir(lock);
      await writeJsonAtomic(join(lock, 'owner.json'), { ...thisProcess(), since: new Date().toISOString() });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = await readFile(join(lock, 'owner.json'), 'utf8').then((t) => JSON.parse(t) as Owner & { since?: string }, () => null);
    const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
    if ((owner && ownerAlive(owner) === false) || (!owner && age > STALE_MS)) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (waited >= timeoutMs) {
      const who = owner ? `process ${owner.pid} on ${owner.host}${owner.since ? ` since ${owner.since}` : ''}` : 'an unknown writer';
      throw new ModelspecError('table-locked', `${lock} has been held by ${who} for over ${Math.round(timeoutMs / 1000)} s`, 'if no other modelspec reproduce is running, remove that folder and run again');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A writer holds the lock for well under a second; a lock without an owner record older than this is stale. */
const STALE_MS = 60_000;

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
