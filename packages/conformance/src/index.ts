// The checks, as data
export { runChecks } from './check.js';
export type { Check, CheckResult } from './check.js';
export { engineChecks } from './engine-suite.js';
export type { EngineSuiteOptions } from './engine-suite.js';
export { backendChecks } from './backend-suite.js';
export type { BackendSuiteOptions } from './backend-suite.js';

// tfjs-core's own tests
export { builtinTfjsExclusions, specsPattern } from './tfjs-tests/exclusions.js';
export type { TfjsExclusion } from './tfjs-tests/exclusions.js';
export { runTfjsTests } from './tfjs-tests/run.js';
export { describeFailures, runJasmineTfjsTests } from './tfjs-tests/jasmine.js';
export type { TfjsTestsOptions, TfjsTestsReport, TfjsTestsRunner, TfjsTestsSource, SpecFailure } from './tfjs-tests/jasmine.js';
export { tfjsTestsBundle } from './tfjs-tests/bundle.js';

// Kernel parity and tolerances
export { checkKernelParity, canCheckKernel } from './kernels/parity.js';
export { kernelCases } from './kernels/cases.js';
export type { Tolerance } from './compare.js';

// The kit's plugin (a dataset without files, for runs on any backend)
export { conformancePlugin } from './plugin.js';
