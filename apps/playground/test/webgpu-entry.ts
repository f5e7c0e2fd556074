// The conformance kit's engine suite on the webgpu engine, in the page
// (navigator.gpu: SwiftShader in headless Chromium), with tfjs-core's own
// tests bundled into the page instead of Node's cached bundle. Bundled by
// webgpu.test.ts with esbuild; node:fs is shimmed with the kit's specs.
import * as tf from '@tensorflow/tfjs-core';
import { setTestEnvs } from '@tensorflow/tfjs-core/dist/jasmine_util';
// @ts-expect-error jasmine-core's browser build has no type declarations
import jasmineRequire from 'jasmine-core/lib/jasmine-core/jasmine.js';
import { createPluginHost, type EngineStatus } from '@modelspec/core';
import { webPlugin } from '@modelspec/backend-web';
import { browserWebgpuEngine, browserWebgpuTfjsExclusions } from '@modelspec/engine-webgpu';
import { runChecks, type CheckResult } from '../../../packages/conformance/src/check.js';
import { engineChecks } from '../../../packages/conformance/src/engine-suite.js';
import { runJasmineTfjsTests, type TfjsTestsReport } from '../../../packages/conformance/src/tfjs-tests/jasmine.js';

const probe = await browserWebgpuEngine.probe();
let tfjsReport: Omit<TfjsTestsReport, 'bundle'> | null = null;
const results: CheckResult[] = [];
const progress = (r: CheckResult) => {
  results.push(r);
  (window as unknown as { progress: string[] }).progress.push(`${r.status} ${r.group}: ${r.name} (${r.seconds.toFixed(1)} s)`);
};
(window as unknown as { progress: string[] }).progress = [];

if (probe.available) {
  const only = new URLSearchParams(location.search).get('group');
  const checks = engineChecks({
    engine: browserWebgpuEngine,
    tfjsTests: {
      exclude: browserWebgpuTfjsExclusions,
      // tfjs-backend-webgpu reads synchronously in a browser (through an OffscreenCanvas)
      // asynchronous reads, as modelspec's training reads (see the exclusion list on synchronous ones)
      isDataSync: false,
      run: async (o) => {
        const t0 = performance.now();
        const report = await runJasmineTfjsTests(o, {
          jasmineRequire,
          bundle: { file: 'bundled into the page', tfjsCoreVersion: tf.version_core, built: true, seconds: 0 },
          register: async (envs) => {
            setTestEnvs(envs);
            // evaluated here, after setTestEnvs and with jasmine's globals installed: that is when its specs register
            await import('@tensorflow/tfjs-core/dist/tests');
          },
        }, t0);
        const { bundle: _bundle, ...rest } = report;
        tfjsReport = rest;
        return report;
      },
    },
  }).filter((c) => !only || c.group === only);
  await runChecks(checks, progress);
}

// what the browser backend, given the webgpu engine as the playground gives it, makes of the engines: which it lists, and which it takes when none is named
const host = createPluginHost([{ plugin: webPlugin({ wasmPaths: new URL('/tfjs/', location.href).href, engines: [browserWebgpuEngine] }) }]);
const backend = host.backends.get('web')!.create({ engines: host.engineList() });
const engines: EngineStatus[] = await backend.engines();
const chosen = (await backend.prepare({})).name;

(window as unknown as { conformance: unknown }).conformance = { probe, results, tfjs: tfjsReport, engines, chosen };
