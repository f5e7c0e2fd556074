/**
 * Runs tfjs-core's own test suite with jasmine-core, in this process, on one
 * tfjs backend: the specs register against the tfjs engine the engine under
 * test activated, through `setTestEnvs` as tfjs's own backends do.
 */
import { createRequire } from 'node:module';
// tfjs-layers registers tfjs-core's gradients (the tests take their gradients from the global registry, as training does)
import '@tensorflow/tfjs-layers';
import { loadTfjsTests, tfjsTestsBundle } from './bundle.js';
import { runJasmineTfjsTests, type TfjsTestsOptions, type TfjsTestsReport } from './jasmine.js';

export { describeFailures, specName, runJasmineTfjsTests } from './jasmine.js';
export type { SpecFailure, TfjsTestsOptions, TfjsTestsReport, TfjsTestsRunner, TfjsTestsSource } from './jasmine.js';

const require = createRequire(import.meta.url);

/** Runs the suite in Node; never throws for failing specs (the report says which). */
export async function runTfjsTests(o: TfjsTestsOptions): Promise<TfjsTestsReport> {
  const t0 = performance.now();
  const bundle = await tfjsTestsBundle(o.cacheDir);
  return runJasmineTfjsTests(o, { jasmineRequire: require('jasmine-core'), register: (envs) => loadTfjsTests(bundle.file).register(envs), bundle }, t0);
}
