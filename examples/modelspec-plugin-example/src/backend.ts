/**
 * Registers the engine's tfjs backend. Imported by the engine's activate()
 * only: importing the plugin changes no tfjs global state.
 */
import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs's cpu backend and its kernels, which this backend builds on.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { ownKernels } from './kernels.js';

/** The tfjs backend name the engine activates. */
export const EXAMPLE_BACKEND = 'example-js';

/** tfjs cpu's storage and kernels, under a name of its own. */
class ExampleBackend extends MathBackendCPU {
  constructor() {
    super();
    // MathBackendCPU suggests installing tfjs-node on first use in Node; this engine is chosen on purpose.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }
}

/**
 * Registers the backend and every tfjs cpu kernel for it (the engine's own
 * kernels in place of their cpu versions). Idempotent.
 */
export function registerExampleBackend(): void {
  if (tf.findBackendFactory(EXAMPLE_BACKEND)) return;
  // A negative priority: tfjs never picks it on its own; activate() selects it by name.
  tf.registerBackend(EXAMPLE_BACKEND, () => new ExampleBackend(), -1);
  for (const cfg of tf.getKernelsForBackend('cpu')) {
    const own = ownKernels[cfg.kernelName];
    tf.registerKernel({ ...cfg, backendName: EXAMPLE_BACKEND, kernelFunc: own ? own(cfg.kernelFunc) : cfg.kernelFunc });
  }
}
