import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableRow } from '@modelspec/core';
import { afterEach, describe, expect, it } from 'vitest';
import { updateReproductionsTable } from './table-file.js';

const row = (spec: string): TableRow => ({
  spec, title: spec, source: 'test',
  figures: [{ metric: 'testAccuracy', published: 0.9, source: 'test', mean: null, std: null, verdict: 'not-measured' }], verdict: 'not-measured', seeds: [], epochs: 1, wallSeconds: 0,
  engine: '', date: '2026-11-22', report: null, note: 'test row',
});

describe('updateReproductionsTable', () => {
  let dir = '';
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('keeps every row when several reproductions write at once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ms-table-'));
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    await Promise.all(names.map((n) => updateReproductionsTable(dir, join(dir, 'reports'), row(n), null, names)));
    const rows = JSON.parse(await readFile(join(dir, 'reports', 'reproductions.json'), 'utf8')) as TableRow[];
    expect(rows.map((r) => r.spec).sort()).toEqual(names);
    const md = await readFile(join(dir, 'REPRODUCTIONS.md'), 'utf8');
    for (const n of names) expect(md).toContain(`**${n}**`);
  });

  it('names the lock when another writer never lets go', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ms-table-'));
    await mkdir(join(dir, 'reports', '.reproductions.lock'), { recursive: true });
    const started = Date.now();
    await expect(updateReproductionsTable(dir, join(dir, 'reports'), row('a'), null, ['a'], {}, 1000)).rejects.toThrow(/\.reproductions\.lock has been held by an unknown writer for over 1 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // nothing was written while the lock was held
    await expect(readFile(join(dir, 'reports', 'reproductions.json'), 'utf8')).rejects.toThrow();
  });

  it('takes over at once a lock whose writer was killed, and names a live one', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ms-table-'));
    const lock = join(dir, 'reports', '.reproductions.lock');
    await mkdir(lock, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a process that has exited
    await writeFile(join(lock, 'owner.json'), JSON.stringify({ pid: dead, host: hostname() }));
    const started = Date.now();
    await updateReproductionsTable(dir, join(dir, 'reports'), row('a'), null, ['a'], {}, 5000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(JSON.parse(await readFile(join(dir, 'reports', 'reproductions.json'), 'utf8')).map((r: TableRow) => r.spec)).toEqual(['a']);

    await mkdir(lock);
    await writeFile(join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-11-30T09:00:00.000Z' }));
    await expect(updateReproductionsTable(dir, join(dir, 'reports'), row('b'), null, ['a', 'b'], {}, 300)).rejects.toThrow(`held by process ${process.pid} on ${hostname()} since 2026-11-30T09:00:00.000Z`);
  });
});
