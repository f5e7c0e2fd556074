import * as tf from '@tensorflow/tfjs-core';
import { defineEngine, registerWasmTrainingKernels, WASM_ENGINE, type EngineKind } from '@modelspec/core';

/** Where tfjs-backend-wasm's .wasm files are served: a folder URL, or each file's URL (a bundler's asset URLs). */
export type WasmPaths = string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

export interface WasmEngineOptions {
  wasmPaths?: WasmPaths;
  /**
   * Use XNNPACK's threads when the page is cross-origin isolated (COOP/COEP).
   * Default false: one thread computes what Node's single-threaded wasm computes.
   */
  threads?: boolean;
}

/** The smallest valid module (magic and version): compiling it says whether this page may compile WebAssembly. */
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

export function wasmEngine(opts: WasmEngineOptions = {}): EngineKind {
  return defineEngine({
    ...WASM_ENGINE,
    description:
      "tfjs-backend-wasm: XNNPACK kernels compiled to WebAssembly, with the training kernels modelspec adds (conv filter gradient, corrected max-pool gradient, conv input gradient and transposed matrix products on XNNPACK).",
    async probe() {
      if (typeof WebAssembly === 'undefined') return { available: false, reason: 'this browser has no WebAssembly' };
      try {
        new WebAssembly.Module(EMPTY_MODULE);
      } catch (e) {
        return {
          available: false,
          reason: `this page may not compile WebAssembly (${e instanceof Error ? e.message : String(e)})`,
          fix: "serve the page with 'wasm-unsafe-eval' in its Content-Security-Policy script-src",
        };
      }
      if (opts.wasmPaths === undefined) return { available: false, reason: 'no URL for the .wasm files was given', fix: 'pass wasmPaths to webPlugin()' };
      return { available: true, detail: opts.threads && globalThis.crossOriginIsolated ? 'threads' : 'one thread' };
    },
    async activate() {
      // Importing registers the 'wasm' backend with tfjs; done here, not at module load.
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (!(opts.threads && globalThis.crossOriginIsolated)) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      // the paths are read when the backend first initializes (findBackend is null until then)
      if (opts.wasmPaths !== undefined && tf.findBackend('wasm') === null) wasm.setWasmPaths(opts.wasmPaths as never, true);
      registerWasmTrainingKernels(tf);
      if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not initialize the wasm backend');
    },
  });
}
