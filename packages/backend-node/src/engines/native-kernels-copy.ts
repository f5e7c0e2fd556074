/**
 * Slice, SplitV, Tile, Transpose, PadV2 and Concat as one strided copy in the addon
 * (native/src/copy.c), for float32 and int32 tensors. tfjs-backend-cpu does
 * these element by element through TensorBuffer.get/set, which made a
 * per-pixel Dense + Concatenate + BatchNormalization model (experiment E's
 * "additional layers") spend most of each step in SplitV (the gradient of
 * Concat) and Tile (the gradient of batch normalization).
 */
import { backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { LoadedAddon } from './native-addon.js';
import type { NativeBackend } from './native-backend.js';
import { size, type NativeImpl } from './native-kernel-util.js';

type Values = Float32Array | Int32Array;

/** The tensor's values when they are 4-byte numbers of its dtype, else undefined. */
function values(backend: NativeBackend, t: TensorInfo | undefined): Values | undefined {
  if (!t) return undefined;
  const v = backend.values(t);
  if (t.dtype === 'float32' && v instanceof Float32Array) return v;
  if (t.dtype === 'int32' && v instanceof Int32Array) return v;
  return undefined;
}

function alloc(backend: NativeBackend, dtype: DataType, n: number): Values {
  return dtype === 'float32' ? backend.alloc(n) : new Int32Array(n);
}

/** Row-major element strides of a shape. */
export function stridesOf(shape: number[]): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = acc;
    acc *= shape[d]!;
  }
  return st;
}

/**
 * y[yOff + i.ys] = x[xOff + i.xs] over `shape`, after dropping size-1 dims
 * and merging neighbours that are contiguous in both x and y. Returns false
 * (nothing written) when more than 8 dims remain.
 */
export function stridedCopy(n: LoadedAddon, x: Values, y: Values, shape: number[], xs: number[], xOff: number, ys: number[], yOff: number): boolean {
  if (shape.some((s) => s === 0)) return true;
  const dims: { s: number; x: number; y: number }[] = [];
  shape.forEach((s, d) => {
    if (s === 1) return;
    const last = dims[dims.length - 1];
    if (last && last.x === xs[d]! * s && last.y === ys[d]! * s) {
      last.s *= s;
      last.x = xs[d]!;
      last.y = ys[d]!;
    } else dims.push({ s, x: xs[d]!, y: ys[d]! });
  });
  if (dims.length === 0) dims.push({ s: 1, x: 1, y: 1 });
  const r = dims.length;
  if (r > 8) return false;
  const I = n.I;
  I[0] = r;
  I[1] = xOff;
  I[2] = yOff;
  dims.forEach((d, i) => {
    I[3 + i] = d.s;
    I[3 + r + i] = d.x;
    I[3 + 2 * r + i] = d.y;
  });
  n.addon.stridedCopy(x, y);
  return true;
}

const slice: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const x = inputs.x!;
  const xv = values(backend, x);
  if (!xv) return undefined;
  const [begin, sz] = slice_util.parseSliceParams(x as never, attrs.begin as number[], attrs.size as number[]) as [number[], number[]];
  slice_util.assertParamsValid(x as never, begin, sz);
  // a contiguous slice is a zero-copy subarray in the cpu kernel
  if (size(sz) === 0 || slice_util.isSliceContinous(x.shape, begin, sz)) return undefined;
  const xs = stridesOf(x.shape);
  const y = alloc(backend, x.dtype, size(sz));
  const off = begin.reduce((a, b, d) => a + b * xs[d]!, 0);
  if (!stridedCopy(n, xv, y, sz, xs, off, stridesOf(sz), 0)) return undefined;
  return backend.output(y, sz, x.dtype);
};

const splitV: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const x = inputs.x!;
  const xv = values(backend, x);
  if (!xv) return undefined;
  const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits as number | number[], axis);
  const xs = stridesOf(x.shape);
  const outs: TensorInfo[] = [];
  let at = 0;
  for (const s of sizes) {
    const shape = x.shape.slice();
    shape[axis] = s;
    const y = alloc(backend, x.dtype, size(shape));
    if (!stridedCopy(n, xv, y, shape, xs, at * xs[axis]!, stridesOf(shape), 0)) return undefined;
    outs.push(backend.output(y, shape, x.dtype));
    at += s;
  }
  return outs;
};

const tile: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const x = inputs.x!;
  const xv = values(backend, x);
  const reps = attrs.reps as number[];
  if (!xv || reps.length !== x.shape.length) return undefined;
  const outShape = x.shape.map((s, d) => s * reps[d]!);
  const xs = stridesOf(x.shape), os = stridesOf(outShape);
  // out index (r, i) along dim d, r < reps[d], i < x.shape[d]: offset (r*x_d + i)*os_d
  const shape: number[] = [], sx: number[] = [], sy: number[] = [];
  x.shape.forEach((s, d) => {
    shape.push(reps[d]!, s);
    sx.push(0, xs[d]!);
    sy.push(s * os[d]!, os[d]!);
  });
  const y = alloc(backend, x.dtype, size(outShape));
  if (!stridedCopy(n, xv, y, shape, sx, 0, sy, 0)) return undefined;
  return backend.output(y, outShape, x.dtype);
};

const transpose: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const x = inputs.x!;
  const xv = values(backend, x);
  const perm = attrs.perm as number[];
  if (!xv || perm.length !== x.shape.length) return undefined;
  const xs = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]!);
  const y = alloc(backend, x.dtype, size(outShape));
  if (!stridedCopy(n, xv, y, outShape, perm.map((p) => xs[p]!), 0, stridesOf(outShape), 0)) return undefined;
  return backend.output(y, outShape, x.dtype);
};

const padV2: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const x = inputs.x!;
  const xv = values(backend, x);
  const paddings = attrs.paddings as [number, number][];
  if (!xv || paddings.length !== x.shape.length || paddings.some(([a, b]) => a < 0 || b < 0)) return undefined;
  const outShape = x.shape.map((s, d) => paddings[d]![0] + s + paddings[d]![1]);
  const y = alloc(backend, x.dtype, size(outShape));
  y.fill(Number(attrs.constantValue ?? 0));
  const os = stridesOf(outShape);
  const off = paddings.reduce((a, [before], d) => a + before * os[d]!, 0);
  if (!stridedCopy(n, xv, y, x.shape, stridesOf(x.shape), 0, os, off)) return undefined;
  return backend.output(y, outShape, x.dtype);
};

const concat: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const ts = Object.values(inputs) as TensorInfo[];
  if (ts.length < 2) return undefined;
  const dtype = ts[0]!.dtype;
  const vals = ts.map((t) => (t.dtype === dtype ? values(backend, t) : undefined));
  if (vals.some((v) => v === undefined)) return undefined;
  const axis = util.parseAxisParam(attrs.axis as number, ts[0]!.shape)[0]!;
  backend_util.assertParamsConsistent(ts.map((t) => t.shape), axis);
  const outShape = backend_util.computeOutShape(ts.map((t) => t.shape), axis);
  const y = alloc(backend, dtype, size(outShape));
  const os = stridesOf(outShape);
  let at = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (!stridedCopy(n, vals[i]!, y, t.shape, stridesOf(t.shape), 0, os, at * os[axis]!)) return undefined;
    at += t.shape[axis]!;
  }
  return backend.output(y, outShape, dtype);
};

export const copyImpls: Record<string, NativeImpl> = {
  Slice: slice,
  SplitV: splitV,
  Tile: tile,
  Transpose: transpose,
  PadV2: padV2,
  Concat: concat,
};
