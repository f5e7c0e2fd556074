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
import { DROPOUT_MASK_KERNEL } from '@modelspec/core';

/** modelspec core's dropout-mask kernel (bit for bit its dropoutMaskValues), filled by the addon. */
function dropoutMaskKernel(n: LoadedAddon): KernelFunc {
  return ({ backend, attrs }) => {
    const { shape, rate, seed } = attrs as unknown as { shape: number[]; rate: number; seed: number };
    const b = backend as NativeBackend;
    const y = b.alloc(tf.util.sizeFromShape(shape));
    n.I[0] = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
    n.I[1] = Math.min(0xffffffff, Math.floor(rate * 4294967296)) | 0;
    n.F[0] = 1 / (1 - rate);
    if (y.length) n.addon.dropoutMask(y);
    return b.output(y, shape.slice());
  };
}

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
  if (!tf.getKernel(DROPOUT_MASK_KERNEL, NATIVE_BACKEND)) {
    tf.registerKernel({ kernelName: DROPOUT_MASK_KERNEL, backendName: NATIVE_BACKEND, kernelFunc: dropoutMaskKernel(n) });
  }
  registered = true;
  return replaced;
}
