import { definePlugin, MODELSPEC_VERSION, PLUGIN_API_VERSION } from '@modelspec/core';
import { nodeEngines } from './engines/index.js';
import { nodeBackend } from './node-backend.js';
import { FsRunStore } from './run-store.js';

/**
 * backend-node as a plugin: Node's engines (tensorflow, native, wasm, cpu)
 * and the `node` backend, registered through the same contract as any
 * third-party plugin.
 */
export const nodePlugin = definePlugin({
  name: '@modelspec/backend-node',
  version: MODELSPEC_VERSION,
  apiVersion: PLUGIN_API_VERSION,
  description: "Node.js: the tensorflow, native, wasm and cpu engines, dataset files, run folders.",
  engines: [...nodeEngines],
  backends: [
    {
      type: 'node',
      description: 'Node.js: datasets from files and packages, models and runs in folders.',
      create: (ctx) => nodeBackend({ engines: ctx.engines, specDir: ctx.specDir }),
      store: (location) => new FsRunStore(location),
    },
  ],
});
