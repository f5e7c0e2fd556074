import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Package boundaries: cli → backend-* → core, never the reverse, and core
 * free of Node and DOM. (The core tsconfig has no Node or DOM types, so a
 * stray global fails to compile; this catches imports, which types cannot.)
 */
const packages = join(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'node_modules' || f === 'dist' || f === 'build' ? [] : sources(p);
    return /\.ts$/.test(f) && !/\.test\.ts$/.test(f) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);
}

const NODE_BUILTINS = /^(node:|fs$|path$|os$|crypto$|zlib$|http$|https$|child_process$|url$|stream$|util$|module$)/;

const rules: Record<string, (spec: string) => string | null> = {
  core: (s) => (s.startsWith('@modelspec/') ? 'core depends on no other modelspec package' : NODE_BUILTINS.test(s) ? 'core is environment-free: no Node modules' : null),
  'backend-node': (s) => (s.startsWith('@modelspec/') && s !== '@modelspec/core' ? 'a backend depends on core only' : null),
  'backend-web': (s) => (s.startsWith('@modelspec/') && s !== '@modelspec/core' ? 'a backend depends on core only' : NODE_BUILTINS.test(s) ? 'backend-web runs in browsers: no Node modules' : null),
  conformance: (s) => (s.startsWith('@modelspec/') && s !== '@modelspec/core' && s !== '@modelspec/backend-node' ? 'the conformance kit depends on the public entry points of core and backend-node only, never on cli' : null),
  cli: () => null,
};

describe('package boundaries', () => {
  for (const [pkg, rule] of Object.entries(rules)) {
    it(`${pkg} imports only what its place allows`, () => {
      let dir: string;
      try {
        dir = join(packages, pkg, 'src');
        statSync(dir);
      } catch {
        return; // a package with no sources yet has nothing to break
      }
      const files = sources(dir);
      const violations = files.flatMap((f) => imports(f).map((s) => ({ f, s, why: rule(s) }))).filter((v) => v.why);
      expect(violations.map((v) => `${relative(packages, v.f)}: ${v.s} (${v.why})`)).toEqual([]);
    });
  }

  it('finds the imports it checks', () => {
    expect(imports(join(packages, 'core/src/spec/validate.ts'))).toContain('ajv/dist/2020.js');
  });
});
