/**
 * Kernels of the 'native' backend that run in the N-API addon. Each one
 * handles the float32 cases it knows and otherwise hands the call to the
 * tfjs-backend-cpu kernel of the same name, so semantics match 'cpu'.
 */
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { LoadedAddon } from './native-addon.js';
import type { NativeBackend } from './native-backend.js';
import { BINARY, REDUCE, UNARY, broadcastPlan, f32, runBinary, size, type NativeImpl } from './native-kernel-util.js';
import { nnImpls } from './native-kernels-nn.js';
import { copyImpls } from './native-kernels-copy.js';

// ---------------------------------------------------------------- elementwise

function unary(name: string): NativeImpl {
  const op = UNARY[name]!;
  return ({ inputs, backend, attrs }, n) => {
    const x = inputs.x!;
    if (!f32(backend, x)) return undefined;
    const y = backend.alloc(size(x.shape));
    n.F[0] = Number((attrs as { alpha?: number }).alpha ?? 0);
    n.addon.unary(op, backend.values(x) as Float32Array, y);
    return backend.output(y, x.shape.slice());
  };
}

function binary(name: string): NativeImpl {
  const op = BINARY[name]!;
  const [ka, kb] = name === 'EluGrad' ? ['dy', 'y'] : ['a', 'b'];
  return ({ inputs, backend }, n) => {
    const a = inputs[ka!], b = inputs[kb!];
    if (!f32(backend, a, b)) return undefined;
    return runBinary(op, a!, b!, backend, n);
  };
}

const addN: NativeImpl = ({ inputs, backend }, n) => {
  const ts = Object.values(inputs) as TensorInfo[];
  if (ts.length < 2 || !f32(backend, ...ts) || ts.some((t) => !util.arraysEqual(t.shape, ts[0]!.shape))) return undefined;
  const count = size(ts[0]!.shape);
  const out = backend.alloc(count);
  const plan = broadcastPlan([count], [count]);
  n.I.set(plan.params);
  n.addon.binary(BINARY.Add!, backend.values(ts[0]!) as Float32Array, backend.values(ts[1]!) as Float32Array, out);
  for (const t of ts.slice(2)) {
    n.I.set(plan.params);
    n.addon.binary(BINARY.Add!, out, backend.values(t) as Float32Array, out);
  }
  return backend.output(out, ts[0]!.shape.slice());
};

const select: NativeImpl = ({ inputs, backend }, n) => {
  const { condition, t, e } = inputs;
  if (!f32(backend, t, e) || condition!.dtype !== 'bool' || !(backend.values(condition!) instanceof Uint8Array) || !util.arraysEqual(condition!.shape, t!.shape) ||
    !util.arraysEqual(t!.shape, e!.shape)) return undefined;
  const y = backend.alloc(size(t!.shape));
  n.addon.select(backend.values(condition!) as Uint8Array, backend.values(t!) as Float32Array, backend.values(e!) as Float32Array, y);
  return backend.output(y, t!.shape.slice());
};

const clipByValue: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const x = inputs.x!;
  if (!f32(backend, x)) return undefined;
  const y = backend.alloc(size(x.shape));
  n.F[0] = attrs.clipValueMin as number;
  n.F[1] = attrs.clipValueMax as number;
  n.addon.clip(backend.values(x) as Float32Array, y);
  return backend.output(y, x.shape.slice());
};

// ---------------------------------------------------------------- reductions

function reduction(kind: keyof typeof REDUCE, axisAttr: string): NativeImpl {
  return ({ inputs, backend, attrs }, n) => {
    const x = inputs.x!;
    if (!f32(backend, x)) return undefined;
    const shape = x.shape;
    const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], shape).sort((p, q) => p - q);
    if (axes.length === 0) return undefined;
    for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1]! + 1) return undefined;
    const first = axes[0]!, last = axes[axes.length - 1]!;
    const A = size(shape.slice(0, first)), R = size(shape.slice(first, last + 1)), C = size(shape.slice(last + 1));
    const [outShape] = backend_util.computeOutAndReduceShapes(shape, axes);
    const y = backend.alloc(A * C);
    n.I[0] = A;
    n.I[1] = R;
    n.I[2] = C;
    n.addon.reduce(REDUCE[kind], backend.values(x) as Float32Array, y);
    const finalShape = attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    return backend.output(y, finalShape);
  };
}

const softmax: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const x = inputs.logits!;
  const rank = x.shape.length;
  const dim = attrs.dim as number;
  if (!f32(backend, x) || rank === 0 || (dim !== -1 && dim !== rank - 1)) return undefined;
  const cols = x.shape[rank - 1]!;
  const y = backend.alloc(size(x.shape));
  n.I[0] = cols === 0 ? 0 : size(x.shape) / cols;
  n.I[1] = cols;
  n.I[2] = 0;
  n.addon.softmax(backend.values(x) as Float32Array, y);
  return backend.output(y, x.shape.slice());
};

/**
 * Batch normalization with the statistics given (tfjs FusedBatchNorm): each of mean, variance,
 * offset and scale has one value or one per channel (the last axis); other shapes go to cpu, which
 * cycles each parameter over the flat input (the same thing for these shapes) and checks the ranks.
 */
const fusedBatchNorm: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const { x, mean, variance, offset, scale } = inputs;
  if (!f32(backend, x, mean, variance) || (offset && !f32(backend, offset)) || (scale && !f32(backend, scale))) return undefined;
  const rank = mean!.shape.length;
  if (variance!.shape.length !== rank || (offset && offset.shape.length !== rank) || (scale && scale.shape.length !== rank)) return undefined;
  const total = size(x!.shape);
  const C = x!.shape.length ? x!.shape[x!.shape.length - 1]! : 1;
  const counts = [mean!, variance!, offset, scale].map((t) => (t ? size(t.shape) : 1));
  if (C === 0 || total === 0 || counts.some((c) => c !== 1 && c !== C)) return undefined;
  const y = backend.alloc(total);
  n.I[0] = total / C; n.I[1] = C; n.I[2] = counts[0]!; n.I[3] = counts[1]!; n.I[4] = counts[2]!; n.I[5] = counts[3]!;
  n.F[0] = attrs.varianceEpsilon == null ? 0.001 : Number(attrs.varianceEpsilon);
  const v = (t: TensorInfo | undefined) => (t ? (backend.values(t) as Float32Array) : null);
  n.addon.batchNorm(v(x)!, v(mean)!, v(variance)!, v(offset), v(scale), y);
  return backend.output(y, x!.shape.slice());
};

// ---------------------------------------------------------------- table

export const nativeImpls: Record<string, NativeImpl> = {
  ...Object.fromEntries(Object.keys(UNARY).map((k) => [k, unary(k)])),
  ...Object.fromEntries(Object.keys(BINARY).map((k) => [k, binary(k)])),
  AddN: addN,
  Select: select,
  ClipByValue: clipByValue,
  Sum: reduction('sum', 'axis'),
  Max: reduction('max', 'reductionIndices'),
  Min: reduction('min', 'axis'),
  Mean: reduction('mean', 'axis'),
  Softmax: softmax,
  FusedBatchNorm: fusedBatchNorm,
  ...nnImpls,
  ...copyImpls,
};

/** Calls per kernel name that ran natively / fell back to cpu (tests, tuning). */
export const nativeKernelStats = new Map<string, { native: number; fallback: number }>();

/** A kernel function: native where possible, else the cpu kernel. */
export function nativeKernel(name: string, impl: NativeImpl, cpu: KernelFunc, n: LoadedAddon): KernelFunc {
  const stats = { native: 0, fallback: 0 };
  nativeKernelStats.set(name, stats);
  return (args) => {
    const out = impl({ inputs: args.inputs, backend: args.backend as NativeBackend, attrs: args.attrs ?? {} }, n);
    if (out !== undefined) {
      stats.native++;
      return out;
    }
    stats.fallback++;
    return cpu(args);
  };
}
