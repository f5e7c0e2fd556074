/**
 * tfjs-core's own test suite under jasmine-core, wherever it runs: the
 * environment hands over jasmine (`jasmineRequire`) and a function that
 * registers tfjs-core's specs (Node: the esbuild bundle of run.ts; a browser:
 * the page's own bundle). Nothing here touches Node or the DOM.
 */
import type { BundleInfo } from './bundle.js';
import { specsPattern, type TfjsExclusion } from './exclusions.js';

export interface TfjsTestsOptions {
  /** The tfjs backend the specs run on (the engine's `tfjsBackend`). */
  backendName: string;
  /** The test environment's name (the engine's type); it appears in jasmine's spec names, never in the kit's. */
  envName: string;
  exclude: readonly TfjsExclusion[];
  /** Whether the backend reads data synchronously (`dataSync`); tfjs skips the sync-only specs otherwise. */
  isDataSync?: boolean;
  /** Where the bundle is cached (Node; default: node_modules/.cache/modelspec-conformance, else the temp folder). */
  cacheDir?: string;
}

export interface SpecFailure {
  /** `suite › spec`, as exclusions name it. */
  name: string;
  message: string;
}

export interface TfjsTestsReport {
  bundle: BundleInfo;
  passed: number;
  failed: SpecFailure[];
  /** Specs left out by a `specs` exclusion (not run). */
  excluded: number;
  /** Specs that failed only for a kernel a `kernel` exclusion says the backend lacks. */
  excused: number;
  /** Specs tfjs itself marks pending (xit) or that jasmine skipped. */
  pending: number;
  /** Exclusions that matched nothing: the list is out of date. */
  stale: TfjsExclusion[];
  seconds: number;
}

/** tfjs-core's specs as an environment provides them. */
export interface TfjsTestsSource {
  /** jasmine-core's `jasmineRequire` (its `core` and `interface` builders). */
  jasmineRequire: unknown;
  /** Sets tfjs's test environments (`setTestEnvs`), then registers every spec with the jasmine globals installed at that moment. */
  register(envs: { name: string; backendName: string; isDataSync: boolean }[]): void | Promise<void>;
  /** Where the specs came from (a cached file in Node, the page's bundle in a browser). */
  bundle: BundleInfo;
}

/** The part of jasmine-core's `jasmineRequire` used here. */
interface JasmineRequire {
  core(j: JasmineRequire): { DEFAULT_TIMEOUT_INTERVAL: number; getEnv(): JasmineEnv };
  interface(jasmine: unknown, env: JasmineEnv): object;
}
interface JasmineEnv {
  configure(o: { random: boolean; specFilter(spec: { getFullName(): string }): boolean }): void;
  addReporter(r: { specDone(r: JasmineSpecResult): void }): void;
  execute(): Promise<unknown>;
}

/** Runs tfjs-core's own tests in some environment (Node's `runTfjsTests`, a page's own). */
export type TfjsTestsRunner = (o: TfjsTestsOptions) => Promise<TfjsTestsReport>;

const MISSING_KERNEL = /Kernel '([^']+)' not registered for backend '([^']+)'/;

/** jasmine's full name `suite <env> {flags} spec` as `suite › spec`. */
export function specName(fullName: string, envName: string): string {
  const marker = ` ${envName} {} `;
  const i = fullName.indexOf(marker);
  return i < 0 ? fullName : `${fullName.slice(0, i)} › ${fullName.slice(i + marker.length)}`;
}

interface JasmineSpecResult {
  fullName: string;
  status: 'passed' | 'failed' | 'pending' | 'excluded';
  failedExpectations: { message: string }[];
}

/** Runs the specs a source registers; never throws for failing specs (the report says which). */
export async function runJasmineTfjsTests(o: TfjsTestsOptions, source: TfjsTestsSource, t0 = performance.now()): Promise<TfjsTestsReport> {
  const { bundle } = source;
  const jasmineRequire = source.jasmineRequire as JasmineRequire;
  const jasmine = jasmineRequire.core(jasmineRequire);
  jasmine.DEFAULT_TIMEOUT_INTERVAL = 20_000;
  const env = jasmine.getEnv();
  const iface = jasmineRequire.interface(jasmine, env) as Record<string, unknown>;

  const specExclusions = o.exclude.filter((e): e is Extract<TfjsExclusion, { specs: string }> => 'specs' in e);
  const kernelExclusions = new Map(o.exclude.filter((e): e is Extract<TfjsExclusion, { kernel: string }> => 'kernel' in e).map((e) => [e.kernel, e]));
  const used = new Set<TfjsExclusion>();
  const report: Omit<TfjsTestsReport, 'stale' | 'seconds'> = { bundle, passed: 0, failed: [], excluded: 0, excused: 0, pending: 0 };

  const patterns = specExclusions.map((e) => [e, specsPattern(e.specs)] as const);
  const excludedBy = (name: string) => patterns.find(([, re]) => re.test(name))?.[0];
  env.configure({
    random: false,
    specFilter: (spec: { getFullName(): string }) => {
      const e = excludedBy(specName(spec.getFullName(), o.envName));
      if (e) used.add(e);
      return !e;
    },
  });
  env.addReporter({
    specDone(r: JasmineSpecResult) {
      const name = specName(r.fullName, o.envName);
      if (r.status === 'passed') report.passed++;
      else if (r.status === 'excluded') report.excluded += excludedBy(name) ? 1 : 0;
      else if (r.status === 'pending') report.pending++;
      else {
        const missing = r.failedExpectations.map((f) => MISSING_KERNEL.exec(f.message)).map((m) => (m && m[2] === o.backendName ? kernelExclusions.get(m[1]!) : undefined));
        if (missing.length > 0 && missing.every((e) => e)) {
          missing.forEach((e) => used.add(e!));
          report.excused++;
        } else {
          report.failed.push({ name, message: r.failedExpectations.map((f) => f.message.split('\n')[0]).join('; ') });
        }
      }
    },
  });

  // jasmine's interface as globals while the specs register and run; whatever was there before comes back after
  const saved = Object.keys(iface).map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)] as const);
  const quiet = ['log', 'info', 'warn', 'debug'] as const;
  const consoleSaved = quiet.map((k) => console[k]);
  try {
    Object.assign(globalThis, iface);
    // tfjs's specs print profiles and platform notices; the report says what matters
    for (const k of quiet) console[k] = () => {};
    await source.register([{ name: o.envName, backendName: o.backendName, isDataSync: o.isDataSync ?? true }]);
    await env.execute();
  } finally {
    quiet.forEach((k, i) => (console[k] = consoleSaved[i]!));
    for (const [k, d] of saved) {
      if (d) Object.defineProperty(globalThis, k, d);
      else delete (globalThis as Record<string, unknown>)[k];
    }
  }
  return { ...report, stale: o.exclude.filter((e) => !used.has(e)), seconds: (performance.now() - t0) / 1000 };
}

/** A report as one message: what failed, by spec, and which exclusions are out of date. */
export function describeFailures(r: TfjsTestsReport, engine: string, limit = 25): string | null {
  const lines: string[] = [];
  if (r.failed.length) {
    lines.push(`tfjs-core's own tests on ${engine}: ${r.failed.length} of ${r.passed + r.failed.length} specs failed:`);
    for (const f of r.failed.slice(0, limit)) lines.push(`  ${f.name}: ${f.message.slice(0, 300)}`);
    if (r.failed.length > limit) lines.push(`  … and ${r.failed.length - limit} more`);
  }
  if (r.stale.length) {
    lines.push(`exclusions for ${engine} that matched nothing (remove them):`);
    for (const e of r.stale) lines.push(`  ${'specs' in e ? `specs "${e.specs}"` : `kernel ${e.kernel}`} (${e.reason})`);
  }
  return lines.length ? lines.join('\n') : null;
}
