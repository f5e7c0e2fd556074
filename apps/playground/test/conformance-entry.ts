// The conformance kit's backend suite, run in the page against backend-web
// (bundled by the test with esbuild; node:fs is shimmed with the kit's specs).
import { createPluginHost } from '@modelspec/core';
import { IndexedDbRunStore, webPlugin } from '@modelspec/backend-web';
import { backendChecks } from '../../../packages/conformance/src/backend-suite.js';
import { runChecks } from '../../../packages/conformance/src/check.js';

const host = createPluginHost([{ plugin: webPlugin({ wasmPaths: new URL('/tfjs/', location.href).href }) }]);
const backend = host.backends.get('web')!.create({ engines: host.engineList() });
const stamp = Date.now();
let n = 0;
const engine = new URLSearchParams(location.search).get('engine') ?? undefined;
const results = await runChecks(
  backendChecks({
    backend,
    ...(engine ? { engine } : {}),
    modelLocation: (name) => `idb:conformance/models/${name}-${stamp}-${n++}`,
    store: () => new IndexedDbRunStore(`conformance-${stamp}-${n++}`),
  }),
);
(window as unknown as { conformance: unknown }).conformance = { engine: (await backend.prepare(engine ? { engine } : {})).name, results };
