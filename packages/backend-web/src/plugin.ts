import { definePlugin, MODELSPEC_VERSION, PLUGIN_API_VERSION, type EngineKind, type ModelspecPlugin } from '@modelspec/core';
import { cpuEngine } from './engines/cpu.js';
import { wasmEngine, type WasmEngineOptions } from './engines/wasm.js';
import { webglEngine } from './engines/webgl.js';
import type { WebDataOptions } from './data/web-source.js';
import { webBackend } from './web-backend.js';

export interface WebPluginOptions extends WasmEngineOptions {
  /** Where datasets come from (a folder URL, files the user gave). */
  data?: WebDataOptions;
  /** More engines (the webgpu engine of @modelspec/engine-webgpu, `browserWebgpuEngine`, say); ordered by their priority like the rest. */
  engines?: readonly EngineKind[];
}

/** The browser's built-in engines, given where the wasm files are served (an app adds webgpu through `engines`). */
export function webEngines(opts: WasmEngineOptions = {}): EngineKind[] {
  return [webglEngine, wasmEngine(opts), cpuEngine];
}

/**
 * backend-web as a plugin: the browser's engines (webgl, wasm, cpu, and any
 * given) and the `web` backend, through the same contract as backend-node.
 * A factory, because where the wasm files and the datasets are is the page's to say.
 */
export function webPlugin(opts: WebPluginOptions = {}): ModelspecPlugin {
  return definePlugin({
    name: '@modelspec/backend-web',
    version: MODELSPEC_VERSION,
    apiVersion: PLUGIN_API_VERSION,
    description: 'The browser: the webgl, wasm and cpu engines (and any given), datasets from URLs and files (Web Crypto checksums), runs and models in IndexedDB.',
    engines: [...webEngines(opts), ...(opts.engines ?? [])],
    backends: [
      {
        type: 'web',
        description: 'A browser: datasets from URLs or the files a user picks, models and runs in IndexedDB.',
        create: (ctx) => webBackend({ engines: ctx.engines, ...(opts.data ? { dataOptions: opts.data } : {}) }),
      },
    ],
  });
}
