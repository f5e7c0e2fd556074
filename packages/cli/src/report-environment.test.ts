import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitCommit } from './report-environment.js';

describe('gitCommit', () => {
  it('names the commit, with uncommitted changes, but not the files modelspec writes itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'git-commit-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q');
    mkdirSync(join(dir, 'reports'));
    for (const f of ['code.ts', 'REPRODUCTIONS.md', 'reports/reproductions.json']) writeFileSync(join(dir, f), 'a\n');
    git('add', '.');
    git('commit', '-q', '-m', 'one');
    const head = git('rev-parse', 'HEAD');
    const outputs = [join(dir, 'reports'), join(dir, 'REPRODUCTIONS.md')];
    expect(await gitCommit(dir, outputs)).toBe(head);
    // reproduce --write-table rewrites the table after each spec: the later specs' code is still the commit's
    writeFileSync(join(dir, 'REPRODUCTIONS.md'), 'b\n');
    writeFileSync(join(dir, 'reports/reproductions.json'), 'b\n');
    expect(await gitCommit(dir, outputs)).toBe(head);
    expect(await gitCommit(dir)).toBe(`${head} + uncommitted changes`);
    writeFileSync(join(dir, 'code.ts'), 'b\n');
    expect(await gitCommit(dir, outputs)).toBe(`${head} + uncommitted changes`);
    expect(await gitCommit(mkdtempSync(join(tmpdir(), 'no-git-')))).toBe('unknown');
  });
});
