import * as tf from '@tensorflow/tfjs-core';
import { defineEngine } from '@modelspec/core';

export const cpuEngine = defineEngine({
  type: 'cpu',
  description: 'tfjs-backend-cpu: pure JavaScript kernels. Always available, slowest; bit-identical to Node.',
  priority: 1,
  environments: ['node', 'browser'],
  tfjsBackend: 'cpu',
  capabilities: { kernels: [], missingTrainingKernels: [], dtypes: ['float32', 'int32', 'bool'], determinism: { class: 'bit-identical' } },
  probe: async () => ({ available: true }),
  async activate() {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not initialize the cpu backend');
  },
});
