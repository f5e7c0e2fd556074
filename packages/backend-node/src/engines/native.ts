/**
 * The `native` engine: tfjs-backend-cpu's kernels with the hot training
 * kernels (matmul, elementwise, reductions, softmax, conv2d and pooling with
 * their gradients, gather, a fused Adam update) in a C N-API addon over
 * OpenBLAS, built by node-gyp from packages/backend-node/native at install.
 */
import * as tf from '@tensorflow/tfjs-core';
import { relative } from 'node:path';
import { DROPOUT_MASK_KERNEL, defineEngine, type EngineProbe } from '@modelspec/core';
import { loadAddon, NATIVE_FIX, nativeThreadsShared } from './native-addon.js';
import { nativeImpls } from './native-kernels.js';
import { NativeAdamOptimizer } from './native-adam.js';

export const nativeEngine = defineEngine({
  type: 'native',
  description: 'tfjs cpu kernels with the hot ones in a C addon over OpenBLAS (N-API, built at install)',
  priority: 3,
  environments: ['node'],
  tfjsBackend: 'native',
  capabilities: { kernels: [...Object.keys(nativeImpls), DROPOUT_MASK_KERNEL], missingTrainingKernels: [], dtypes: ['float32', 'int32', 'bool'], determinism: { class: 'bit-identical' } },

  async probe(): Promise<EngineProbe> {
    try {
      const r = loadAddon();
      if (!r.ok) return { available: false, reason: r.reason, fix: r.fix };
      const { threads, blasCore, isa, path } = r.loaded;
      const simd = isa >= 4 ? 'AVX-512' : isa >= 3 ? 'AVX2' : 'baseline x86-64';
      // The addon's place relative to the working directory: no machine's paths in records people commit.
      const threading = nativeThreadsShared() ? `up to ${threads} thread(s), shared with the trials beside it` : `${threads} thread(s)`;
      return { available: true, detail: `OpenBLAS (${blasCore}), ${simd} kernels, ${threading}, ${relative(process.cwd(), path) || path}` };
    } catch (e) {
      return { available: false, reason: `native engine check failed: ${e instanceof Error ? e.message : String(e)}`, fix: NATIVE_FIX };
    }
  },

  async activate(): Promise<void> {
    const r = loadAddon();
    if (!r.ok) throw new Error(`native engine unavailable: ${r.reason}. Fix: ${r.fix}`);
    const { registerNativeBackend, NATIVE_BACKEND } = await import('./native-register.js');
    registerNativeBackend(r.loaded);
    if (!(await tf.setBackend(NATIVE_BACKEND))) throw new Error('tf.setBackend("native") failed');
  },

  /** Adam as one fused pass per variable in the addon (same float32 arithmetic as tfjs's AdamOptimizer). */
  optimizer(type, p) {
    if (type !== 'adam') return undefined;
    const r = loadAddon();
    if (!r.ok) return undefined;
    return new NativeAdamOptimizer(r.loaded, 'native', p['learningRate'] as number, p['beta1'] as number, p['beta2'] as number, p['epsilon'] as number);
  },
});
