import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatIssues } from '@modelspec/core';
import { loadSpecFile } from './spec-files.js';

const base = readFileSync(resolve(__dirname, '../../core/test/fixtures/tiny-csv-mlp.yaml'), 'utf8');
const made: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'modelspec-extends-'));
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
afterEach(() => {
  delete process.env['MODELSPEC_ALLOW_EXTENDS_OUTSIDE'];
});

/** A project (package.json at its root) with specs/ and bases/, and a folder elsewhere holding a secret-bearing spec. */
function layout() {
  const project = tmp();
  writeFileSync(join(project, 'package.json'), '{}');
  mkdirSync(join(project, 'specs'));
  mkdirSync(join(project, 'bases'));
  writeFileSync(join(project, 'bases', 'base.yaml'), base);
  const elsewhere = tmp();
  writeFileSync(join(elsewhere, 'base.yaml'), base.replace('name: tiny-csv-mlp', 'name: tiny-csv-mlp\ndescription: SECRET-ELSEWHERE'));
  writeFileSync(join(elsewhere, 'not-a-spec.yaml'), 'password: hunter2\n');
  const child = (target: string) => {
    const f = join(project, 'specs', 'child.yaml');
    writeFileSync(f, `extends: ${target}\nname: child\n`);
    return f;
  };
  return { project, elsewhere, child };
}

const codes = (r: Awaited<ReturnType<typeof loadSpecFile>>) => r.issues.filter((i) => i.severity === 'error').map((i) => i.code);

describe('extends stays inside the spec\'s project', () => {
  it('a base inside the project, relative to the extending file, is read', async () => {
    const { child } = layout();
    const r = await loadSpecFile(child('../bases/base.yaml'));
    expect(r.ok, formatIssues(r.issues)).toBe(true);
  });

  it.each([
    ['an absolute path', (e: string) => join(e, 'base.yaml')],
    ['a ../ path', (e: string, p: string) => relative(join(p, 'specs'), join(e, 'base.yaml'))],
  ])('%s outside the project is refused without reading it', async (_what, target) => {
    const { project, elsewhere, child } = layout();
    const r = await loadSpecFile(child(target(elsewhere, project)));
    expect(codes(r)).toEqual(['extends-outside']);
    expect(r.issues[0]!.loc?.line).toBe(1);
    expect(r.issues[0]!.hint).toContain('MODELSPEC_ALLOW_EXTENDS_OUTSIDE=1');
    expect(formatIssues(r.issues)).not.toContain('SECRET');
  });

  it('a symbolic link inside the project that leads outside is refused', async () => {
    const { project, elsewhere, child } = layout();
    symlinkSync(join(elsewhere, 'base.yaml'), join(project, 'bases', 'link.yaml'));
    expect(codes(await loadSpecFile(child('../bases/link.yaml')))).toEqual(['extends-outside']);
  });

  it('MODELSPEC_ALLOW_EXTENDS_OUTSIDE=1 lifts the folder rule, not the others', async () => {
    const { elsewhere, child } = layout();
    process.env['MODELSPEC_ALLOW_EXTENDS_OUTSIDE'] = '1';
    const ok = await loadSpecFile(child(join(elsewhere, 'base.yaml')));
    expect(ok.ok, formatIssues(ok.issues)).toBe(true);
    const foreign = await loadSpecFile(child(join(elsewhere, 'not-a-spec.yaml')));
    expect(codes(foreign)).toEqual(['extends-not-spec']);
    expect(formatIssues(foreign.issues)).not.toContain('hunter2');
  });

  it('a folder, a missing file and a file that is not a spec are refused', async () => {
    const { project, child } = layout();
    mkdirSync(join(project, 'bases', 'folder.yaml'));
    expect(codes(await loadSpecFile(child('../bases/folder.yaml')))).toEqual(['extends-not-spec']);
    expect(formatIssues((await loadSpecFile(child('../bases/none.yaml'))).issues)).toMatch(/specs\/child\.yaml:1:10 error extends: cannot read \.\.\/bases\/none\.yaml: no such file$/);
    expect(codes(await loadSpecFile(child('../package.json')))).toEqual(['extends-not-spec']);
    expect(codes(await loadSpecFile(child('/etc/passwd')))).toEqual(['extends-not-spec']);
  });

  it('without a package.json or .git above it, a spec\'s project is its own folder', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'base.yaml'), base);
    writeFileSync(join(dir, 'sub', 'base.yaml'), base);
    writeFileSync(join(dir, 'sub', 'up.yaml'), 'extends: ../base.yaml\nname: up\n');
    writeFileSync(join(dir, 'sub', 'here.yaml'), 'extends: base.yaml\nname: here\n');
    expect(codes(await loadSpecFile(join(dir, 'sub', 'up.yaml')))).toEqual(['extends-outside']);
    expect((await loadSpecFile(join(dir, 'sub', 'here.yaml'))).ok).toBe(true);
  });
});
