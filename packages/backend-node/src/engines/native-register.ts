/**
 * Registers the 'native' tfjs backend: every tfjs-backend-cpu kernel is
 * registered again for 'native' (the hot ones replaced by addon kernels that
 * fall back to cpu for cases they do not handle). The fused Adam update is the
 * engine's optimizer hook (native.ts), not a kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { LoadedAddon } from './native-addon.js';
import { NativeBackend } from './native-backend.js';
import { nativeImpls, nativeKernel } from './native-kernels.js';

export const NATIVE_BACKEND = 'native';

/**
 * A cpu kernel run on the native backend. If it returns data that aliases a
 * pooled buffer under a new data id (a contiguous Slice is a subarray of its
 * input), that buffer must never be recycled.
 */
function guardedCpuKernel(cpu: KernelFunc): KernelFunc {
  return (args) => {
    const out = cpu(args);
    const backend = args.backend as NativeBackend;
    const outs = Array.isArray(out) ? out : [out];
    for (const o of outs) {
      const d = backend.data.has(o.dataId) ? backend.data.get(o.dataId) : undefined;
      if (!d || !backend.isPooled(d.values)) continue;
      const own = Object.values(args.inputs).some((i) => (i as TensorInfo | undefined)?.dataId === o.dataId);
      if (!own) backend.markExposed(d.values);
    }
    return out;
  };
}

let registered = false;

/** Registers the backend and its kernels once; returns the kernel names run natively. */
export function registerNativeBackend(n: LoadedAddon): string[] {
  const replaced = Object.keys(nativeImpls).filter((k) => tf.getKernel(k, 'cpu'));
  if (registered) return replaced;
  // priority 0: never picked as the default over cpu; activate() selects it explicitly
  tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(), 0);
  for (const cfg of tf.getKernelsForBackend('cpu')) {
    const impl = nativeImpls[cfg.kernelName];
    const kernelFunc = impl ? nativeKernel(cfg.kernelName, impl, guardedCpuKernel(cfg.kernelFunc), n) : guardedCpuKernel(cfg.kernelFunc);
    const config: KernelConfig = { ...cfg, backendName: NATIVE_BACKEND, kernelFunc };
    if (!tf.getKernel(cfg.kernelName, NATIVE_BACKEND)) tf.registerKernel(config);
  }
  registered = true;
  return replaced;
}
