import * as tf from '@tensorflow/tfjs-core';
import { defineEngine } from '@modelspec/core';
import { ownKernels } from './kernels.js';

/**
 * The `js` engine (`example/js`): a tfjs backend of its own on tfjs cpu's
 * kernels, with Relu and Sigmoid written by the plugin. Pure JavaScript, so
 * it runs in Node and in browsers. Its priority is below every built-in
 * engine (cpu's is 1): it never becomes the default, a user asks for it with
 * `--engine example/js`.
 */
export const jsEngine = defineEngine({
  type: 'js',
  description: "tfjs cpu's kernels under a backend of its own, with Relu and Sigmoid written by the plugin (the example engine; slow).",
  priority: -1,
  environments: ['node', 'browser'],
  tfjsBackend: 'example-js',
  capabilities: {
    kernels: Object.keys(ownKernels),
    missingTrainingKernels: [],
    dtypes: ['float32', 'int32', 'bool'],
    determinism: { class: 'bit-identical' },
  },
  probe: async () => ({ available: true, detail: `pure JavaScript; own kernels: ${Object.keys(ownKernels).join(', ')}` }),
  async activate() {
    const { registerExampleBackend, EXAMPLE_BACKEND } = await import('./backend.js');
    registerExampleBackend();
    if (!(await tf.setBackend(EXAMPLE_BACKEND))) throw new Error(`tfjs could not initialize the ${EXAMPLE_BACKEND} backend`);
  },
});
