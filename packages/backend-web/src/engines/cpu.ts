import * as tf from '@tensorflow/tfjs-core';
import { CPU_ENGINE, defineEngine } from '@modelspec/core';

export const cpuEngine = defineEngine({
  ...CPU_ENGINE,
  description: 'tfjs-backend-cpu: pure JavaScript kernels. Always available, slowest; bit-identical to Node.',
  probe: async () => ({ available: true }),
  async activate() {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not initialize the cpu backend');
  },
});
