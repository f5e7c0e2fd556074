/**
 * tfjs-core ships its own test suite (`dist/tests.js`, the one every tfjs
 * backend runs) as ES modules with extensionless imports, which Node cannot
 * load. esbuild bundles it once into a CommonJS file in a cache folder.
 *
 * `ignoreAnnotations` matters: tfjs-core's `sideEffects` list names only its
 * library files, so a bundler honouring it drops every `*_test.js` import.
 * tfjs-core is bundled in, not kept external: the tests reach into internals
 * the package entry does not export, and every piece of state that matters
 * (the engine, the kernel and gradient registries, the Tensor class) lives on
 * tfjs's global namespace, so the bundled copy drives the same engine the
 * engine under test activated.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** What the bundle exports. */
export interface TfjsTestsModule {
  /**
   * Sets the test environments (tfjs's `setTestEnvs`), then registers every
   * spec with the jasmine globals installed at that moment.
   */
  register(envs: { name: string; backendName: string; isDataSync: boolean }[]): void;
}

// `require` here is esbuild's: the tests module is evaluated only when called, after setTestEnvs.
const ENTRY = `import { setTestEnvs } from './dist/jasmine_util';
export function register(envs) {
  setTestEnvs(envs);
  require('./dist/tests');
}
`;

export interface BundleInfo {
  file: string;
  tfjsCoreVersion: string;
  /** Whether this call built it (false: found in the cache). */
  built: boolean;
  seconds: number;
}

/** The folder bundles are kept in: `node_modules/.cache/modelspec-conformance` beside tfjs-core, else the OS temp folder. */
export function defaultCacheDir(tfjsCoreDir: string): string {
  const nodeModules = tfjsCoreDir.slice(0, tfjsCoreDir.lastIndexOf('node_modules') + 'node_modules'.length);
  const candidates = tfjsCoreDir.includes('node_modules') ? [join(nodeModules, '.cache', 'modelspec-conformance')] : [];
  candidates.push(join(tmpdir(), 'modelspec-conformance'));
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch {
      // not writable: try the next place
    }
  }
  throw new Error(`no writable cache folder for the tfjs-core test bundle (tried ${candidates.join(', ')})`);
}

/** Bundles tfjs-core's tests (once per tfjs-core, jasmine-core and esbuild version) and returns where the bundle is. */
export async function tfjsTestsBundle(cacheDir?: string): Promise<BundleInfo> {
  const t0 = performance.now();
  const pkgJson = require.resolve('@tensorflow/tfjs-core/package.json');
  const tfjsCoreDir = dirname(pkgJson);
  const tfjsCoreVersion = (require(pkgJson) as { version: string }).version;
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  const jasmineVersion = (require('jasmine-core/package.json') as { version: string }).version;
  const key = createHash('sha256').update([tfjsCoreVersion, jasmineVersion, esbuild.version, ENTRY].join('\0')).digest('hex').slice(0, 16);
  const dir = cacheDir ?? defaultCacheDir(tfjsCoreDir);
  const file = join(dir, `tfjs-core-${tfjsCoreVersion}-tests-${key}.cjs`);
  if (statSync(file, { throwIfNoEntry: false })?.isFile()) return { file, tfjsCoreVersion, built: false, seconds: (performance.now() - t0) / 1000 };

  const result = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: tfjsCoreDir, sourcefile: 'modelspec-conformance-entry.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    ignoreAnnotations: true,
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        // tfjs-core's jasmine_util requires jasmine-core, which is not among tfjs-core's own dependencies: take the kit's.
        name: 'jasmine-core-from-the-kit',
        setup(b) {
          b.onResolve({ filter: /^jasmine-core(\/|$)/ }, (args) => ({ path: require.resolve(args.path) }));
        },
      },
    ],
  });
  mkdirSync(dir, { recursive: true });
  // written beside, then renamed: two test files building at once never see half a bundle
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, result.outputFiles[0]!.contents);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  // bundles of other versions are never read again
  for (const f of readdirSync(dir)) if (/^tfjs-core-.*-tests-[0-9a-f]{16}\.cjs$/.test(f) && join(dir, f) !== file) rmSync(join(dir, f), { force: true });
  return { file, tfjsCoreVersion, built: true, seconds: (performance.now() - t0) / 1000 };
}

/** A fresh evaluation of the bundle (its test registrations happen once per evaluation). */
export function loadTfjsTests(file: string): TfjsTestsModule {
  delete require.cache[file];
  return require(file) as TfjsTestsModule;
}
