import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * The engine's own kernels, each given the tfjs cpu kernel it replaces to
 * fall back on for what it does not handle (here: anything but float32).
 * They compute exactly what the cpu kernels compute, in one plain loop, so
 * the engine can claim `bit-identical`; the conformance kit checks each of
 * them against tfjs `cpu`.
 */
type OwnKernel = (cpu: KernelFunc) => KernelFunc;

/** A float32 elementwise kernel; `op` must round to float32 the way the cpu kernel does (here: by storing into a Float32Array). */
const elementwise =
  (op: (v: number) => number): OwnKernel =>
  (cpu) =>
  (args) => {
    const x = (args.inputs as { x: TensorInfo }).x;
    if (x.dtype !== 'float32') return cpu(args);
    const backend = args.backend as MathBackendCPU;
    const xs = backend.data.get(x.dataId).values as Float32Array;
    const out = new Float32Array(xs.length);
    for (let i = 0; i < xs.length; i++) out[i] = op(xs[i]!);
    return backend.makeTensorInfo(x.shape, 'float32', out);
  };

export const ownKernels: Record<string, OwnKernel> = {
  // Math.max(0, v) as tfjs cpu has it: NaN stays NaN, -0 becomes +0.
  Relu: elementwise((v) => (v > 0 || v !== v ? v : 0)),
  Sigmoid: elementwise((v) => 1 / (1 + Math.exp(-v))),
};
