import * as tf from '@tensorflow/tfjs-core';
import type { Engine } from './engine.js';

export const cpuEngine: Engine = {
  name: 'cpu',
  description: 'tfjs-backend-cpu: pure JavaScript kernels. Always available, slowest.',
  probe: async () => ({ available: true }),
  async activate() {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not initialize the cpu backend');
  },
};
