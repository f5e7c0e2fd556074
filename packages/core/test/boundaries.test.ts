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
  queue: (s) => (s.startsWith('@modelspec/') && s !== '@modelspec/core' && s !== '@modelspec/backend-node' ? 'the queue depends on the public entry points of core and backend-node only' : null),
  'engine-webgpu': (s) => (s.startsWith('@modelspec/') && s !== '@modelspec/core' ? 'an engine package depends on core only' : null),
  cli: () => null,
};

/** Entry points other packages may import: a package's root, or a subpath its exports declare. */
const PUBLIC_ENTRY = /^@modelspec\/(core|backend-node|conformance(\/vitest)?|engine-webgpu(\/(node|browser))?)$/;

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

  it('the example third-party plugin imports modelspec through public entry points only, never by path', () => {
    const dir = join(packages, '../examples/modelspec-plugin-example/src');
    const files = sources(dir).concat(readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f)));
    expect(files.length).toBeGreaterThan(3);
    const bad = files.flatMap((f) => imports(f).filter((s) => (s.startsWith('@modelspec/') && !PUBLIC_ENTRY.test(s)) || /(^|\/)packages\//.test(s) || /^\.\.\/\.\./.test(s)).map((s) => `${relative(packages, f)}: ${s}`));
    expect(bad).toEqual([]);
  });

  it('the cli holds no training, search or reproduction loop: it composes and renders the run layer', () => {
    const LOOPS = /\b(trainModel|runExperiment|crossValidate|evaluateExamples|evaluateTestSet|buildReproduction|compileModel)\b/;
    const files = sources(join(packages, 'cli/src'));
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((f) => LOOPS.test(readFileSync(f, 'utf8'))).map((f) => relative(packages, f))).toEqual([]);
  });

  it('finds the imports it checks', () => {
    expect(imports(join(packages, 'core/src/spec/validate.ts'))).toContain('ajv/dist/2020.js');
  });
});
