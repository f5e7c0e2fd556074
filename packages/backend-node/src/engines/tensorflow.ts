import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { defineEngine } from '@modelspec/core';

const require = createRequire(import.meta.url);
const PKG = '@tensorflow/tfjs-node';

/** Native TensorFlow through @tensorflow/tfjs-node: used when the user has it installed, never required. */
export const tensorflowEngine = defineEngine({
  type: 'tensorflow',
  description: '@tensorflow/tfjs-node: native TensorFlow (libtensorflow). Optional: its install downloads libtensorflow.',
  priority: 4,
  environments: ['node'],
  tfjsBackend: 'tensorflow',
  // TensorFlow's threaded reductions may sum in another order from run to run.
  capabilities: { kernels: [], missingTrainingKernels: [], dtypes: ['float32', 'int32', 'bool'], determinism: { class: 'tolerance', relative: 1e-5 } },
  async probe() {
    try {
      require.resolve(PKG);
    } catch {
      return { available: false, reason: `${PKG} is not installed (optional)`, fix: `npm install ${PKG} on a machine that can download libtensorflow` };
    }
    try {
      await import(PKG);
      return { available: true };
    } catch (e) {
      return { available: false, reason: `${PKG} is installed but does not load: ${(e as Error).message.split('\n')[0]}`, fix: `npm rebuild ${PKG}` };
    }
  },
  async activate() {
    await import(PKG);
    if (!(await tf.setBackend('tensorflow'))) throw new Error('tfjs could not initialize the tensorflow backend');
  },
});
