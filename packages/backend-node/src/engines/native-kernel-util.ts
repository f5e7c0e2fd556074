/**
 * Shared pieces of the native kernels: argument types, dtype checks, op
 * codes (keep in sync with native/src/common.h) and broadcasting binary ops.
 */
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { LoadedAddon } from './native-addon.js';
import type { NativeBackend } from './native-backend.js';

export type Args = { inputs: NamedTensorInfoMap; backend: NativeBackend; attrs: NamedAttrMap };
/** Returns undefined to fall back to the cpu kernel. */
export type NativeImpl = (args: Args, n: LoadedAddon) => TensorInfo | TensorInfo[] | undefined;

export const UNARY: Record<string, number> = {
  Relu: 0, Relu6: 1, Step: 2, Exp: 3, Log: 4, Sqrt: 5, Rsqrt: 6, Square: 7, Neg: 8, Abs: 9,
  Sigmoid: 10, Tanh: 11, Reciprocal: 12, Elu: 13, LeakyRelu: 14, Softplus: 15, Log1p: 16,
  Expm1: 17, Floor: 18, Ceil: 19, Sign: 20, Round: 21,
};
export const BINARY: Record<string, number> = {
  Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, Maximum: 4, Minimum: 5, SquaredDifference: 6,
  EluGrad: 7, Greater: 16, GreaterEqual: 17, Less: 18, LessEqual: 19, Equal: 20, NotEqual: 21,
};
const BOOL_OUT = 16;
export const REDUCE = { sum: 0, max: 1, min: 2, mean: 3 } as const;
export const ACT: Record<string, number> = { linear: 0, relu: 1, relu6: 2, sigmoid: 3, elu: 4, leakyrelu: 5 };

/**
 * float32 tensors whose data really is a Float32Array: tfjs-cpu's Cast from
 * bool/int32 to float32 keeps the Uint8Array/Int32Array and only relabels it.
 */
export const f32 = (backend: NativeBackend, ...ts: (TensorInfo | undefined)[]) =>
  ts.every((t) => t !== undefined && t.dtype === 'float32' && backend.values(t) instanceof Float32Array);
export const i32 = (backend: NativeBackend, t: TensorInfo | undefined) =>
  t !== undefined && t.dtype === 'int32' && backend.values(t) instanceof Int32Array;
export const size = (shape: number[]) => util.sizeFromShape(shape);

interface BroadcastPlan {
  outShape: number[];
  /** collapsed: [rank, shape.., stridesA.., stridesB..] */
  params: Int32Array;
}
const planCache = new Map<string, BroadcastPlan>();

/** Broadcast out shape and collapsed element strides for a op b. */
export function broadcastPlan(aShape: number[], bShape: number[]): BroadcastPlan {
  const key = `${aShape.join(',')}|${bShape.join(',')}`;
  const hit = planCache.get(key);
  if (hit) return hit;
  const outShape = backend_util.assertAndGetBroadcastShape(aShape, bShape);
  const r = outShape.length;
  const pad = (s: number[]) => [...new Array<number>(r - s.length).fill(1), ...s];
  const a = pad(aShape), b = pad(bShape);
  const strides = (s: number[]) => {
    const st = new Array<number>(r).fill(0);
    let acc = 1;
    for (let d = r - 1; d >= 0; d--) {
      st[d] = s[d] === 1 ? 0 : acc;
      acc *= s[d]!;
    }
    return st;
  };
  const sa = strides(a), sb = strides(b);
  // drop size-1 dims, then merge neighbours that stay contiguous in both
  let dims = outShape.map((s, d) => ({ s, a: sa[d]!, b: sb[d]! })).filter((d) => d.s !== 1);
  const merged: typeof dims = [];
  for (const d of dims) {
    const last = merged[merged.length - 1];
    if (last && last.a === d.a * d.s && last.b === d.b * d.s) {
      last.s *= d.s;
      last.a = d.a;
      last.b = d.b;
    } else merged.push({ ...d });
  }
  dims = merged.length ? merged : [{ s: 1, a: 0, b: 0 }];
  const k = dims.length;
  const params = new Int32Array(1 + 3 * k);
  params[0] = k;
  dims.forEach((d, i) => {
    params[1 + i] = d.s;
    params[1 + k + i] = d.a;
    params[1 + 2 * k + i] = d.b;
  });
  const plan = { outShape, params };
  if (planCache.size > 4096) planCache.clear();
  planCache.set(key, plan);
  return plan;
}

export function runBinary(op: number, a: TensorInfo, b: TensorInfo, backend: NativeBackend, n: LoadedAddon): TensorInfo {
  const plan = broadcastPlan(a.shape, b.shape);
  const count = size(plan.outShape);
  const out = op >= BOOL_OUT ? new Uint8Array(count) : backend.alloc(count);
  if (count > 0) {
    n.I.set(plan.params);
    n.addon.binary(op, backend.values(a) as Float32Array, backend.values(b) as Float32Array, out);
  }
  return backend.output(out, plan.outShape.slice(), op >= BOOL_OUT ? 'bool' : 'float32');
}

