import * as tf from '@tensorflow/tfjs-core';
import { defineEngine, registerWasmTrainingKernels, WASM_ENGINE } from '@modelspec/core';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const wasmEngine = defineEngine({
  ...WASM_ENGINE,
  description:
    'tfjs-backend-wasm: XNNPACK kernels compiled to WebAssembly (single thread in Node), with the training kernels modelspec adds (conv filter gradient, corrected max-pool gradient, conv input gradient and transposed matrix products on XNNPACK).',
  async probe() {
    try {
      require.resolve('@tensorflow/tfjs-backend-wasm');
      return { available: true };
    } catch {
      return { available: false, reason: '@tensorflow/tfjs-backend-wasm is not installed', fix: 'npm install @tensorflow/tfjs-backend-wasm' };
    }
  },
  async activate() {
    // Importing registers the 'wasm' backend with tfjs; done here, not at module load.
    await import('@tensorflow/tfjs-backend-wasm');
    // The training kernels wasm lacks or gets wrong (idempotent: a second activate changes nothing).
    registerWasmTrainingKernels(tf);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not initialize the wasm backend');
  },
});
