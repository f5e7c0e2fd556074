/**
 * Native kernels for matmul, conv2d, pooling and gather (with the kernels
 * their gradients use). Unhandled cases return undefined: cpu kernel.
 */
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { LoadedAddon } from './native-addon.js';
import { ACT, BINARY, f32, i32, runBinary, size, type Args, type NativeImpl } from './native-kernel-util.js';

// ---------------------------------------------------------------- matmul

function matmul(args: Args, n: LoadedAddon, act: number, bias: TensorInfo | undefined): TensorInfo | undefined {
  const { a, b } = args.inputs;
  const backend = args.backend;
  if (!f32(backend, a, b)) return undefined;
  const tA = !!args.attrs.transposeA, tB = !!args.attrs.transposeB;
  const ra = a!.shape.length, rb = b!.shape.length;
  if (ra < 2 || rb < 2) return undefined;
  const K = tA ? a!.shape[ra - 2]! : a!.shape[ra - 1]!;
  const Kb = tB ? b!.shape[rb - 1]! : b!.shape[rb - 2]!;
  const M = tA ? a!.shape[ra - 1]! : a!.shape[ra - 2]!;
  const N = tB ? b!.shape[rb - 2]! : b!.shape[rb - 1]!;
  if (K !== Kb) return undefined; // the cpu kernel reports the error
  const outerA = a!.shape.slice(0, -2), outerB = b!.shape.slice(0, -2);
  const bA = size(outerA), bB = size(outerB);
  if (bA !== bB && bA !== 1 && bB !== 1) return undefined;
  const outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const batch = Math.max(bA, bB);
  const y = backend.alloc(batch * M * N);
  const I = n.I;
  I[0] = bA; I[1] = bB; I[2] = M; I[3] = N; I[4] = K; I[5] = tA ? 1 : 0; I[6] = tB ? 1 : 0; I[7] = act;
  n.F[0] = Number(args.attrs.leakyreluAlpha ?? 0.2);
  n.addon.matmul(backend.values(a!) as Float32Array, backend.values(b!) as Float32Array, y,
    bias ? (backend.values(bias) as Float32Array) : null);
  return backend.output(y, [...outer, M, N]);
}

const batchMatMul: NativeImpl = (args, n) => matmul(args, n, 0, undefined);

/** Bias of N elements broadcast over the last axis (shape [N], [1,N], ...). */
function isRowBias(bias: TensorInfo, N: number): boolean {
  return bias.dtype === 'float32' && size(bias.shape) === N && (bias.shape.length === 0 ? N === 1 : bias.shape[bias.shape.length - 1] === N);
}

const fusedMatMul: NativeImpl = (args, n) => {
  const { bias, preluActivationWeights } = args.inputs;
  const act = ACT[String(args.attrs.activation ?? 'linear')];
  if (preluActivationWeights || act === undefined) return undefined;
  const { a, b } = args.inputs;
  if (!a || !b) return undefined;
  const rb = b.shape.length;
  const N = args.attrs.transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (!bias || (isRowBias(bias, N) && f32(args.backend, bias))) return matmul(args, n, act, bias);
  // other bias shapes: product, broadcast add, activation
  const prod = matmul(args, n, 0, undefined);
  if (!prod || !f32(args.backend, bias)) {
    if (prod) args.backend.disposeIntermediateTensorInfo(prod);
    return undefined;
  }
  const sum = runBinary(BINARY.Add!, prod, bias, args.backend, n);
  args.backend.disposeIntermediateTensorInfo(prod);
  applyAct(sum, act, args, n);
  return sum;
};

function applyAct(t: TensorInfo, act: number, args: Args, n: LoadedAddon): void {
  if (act === 0) return;
  const cols = t.shape.length ? t.shape[t.shape.length - 1]! : 1;
  n.I[0] = cols === 0 ? 0 : size(t.shape) / cols;
  n.I[1] = cols;
  n.I[2] = act;
  n.F[0] = Number(args.attrs.leakyreluAlpha ?? 0.2);
  n.addon.biasAct(args.backend.values(t) as Float32Array, null);
}

// ---------------------------------------------------------------- conv / pool

type ConvInfo = backend_util.Conv2DInfo;

function setConv(I: Int32Array, c: ConvInfo): void {
  I[0] = c.batchSize; I[1] = c.inHeight; I[2] = c.inWidth; I[3] = c.inChannels;
  I[4] = c.outHeight; I[5] = c.outWidth; I[6] = c.outChannels;
  I[7] = c.filterHeight; I[8] = c.filterWidth; I[9] = c.strideHeight; I[10] = c.strideWidth;
  I[11] = c.dilationHeight; I[12] = c.dilationWidth; I[13] = c.padInfo.top; I[14] = c.padInfo.left;
}

/**
 * The addon reads dy as a dense [batch, outHeight, outWidth, outChannels] array (and the filter as
 * [fh, fw, inChannels, outChannels]); tfjs cpu reads each with its own strides, so other shapes go to
 * cpu. tfjs-core's conv2dTranspose tests pass a dy larger than that: cpu uses its top-left corner.
 */
const dyFits = (dy: TensorInfo, c: ConvInfo) => util.arraysEqual(dy.shape, [c.batchSize, c.outHeight, c.outWidth, c.outChannels]);

function convInfo(xShape: number[], filterShape: number[], attrs: NamedAttrMap, dilations: number | [number, number]): ConvInfo | undefined {
  const format = backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW' | undefined) ?? 'NHWC');
  if (format !== 'channelsLast') return undefined;
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides as [number, number], dilations, attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined,
    false, format);
}

const conv2d: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const { x, filter } = inputs;
  if (!f32(backend, x, filter) || x!.shape.length !== 4) return undefined;
  const info = convInfo(x!.shape, filter!.shape, attrs, attrs.dilations as [number, number]);
  if (!info) return undefined;
  const y = backend.alloc(size(info.outShape));
  setConv(n.I, info);
  n.addon.conv2d(backend.values(x!) as Float32Array, backend.values(filter!) as Float32Array, y);
  return backend.output(y, info.outShape.slice());
};

const fusedConv2d: NativeImpl = (args, n) => {
  const { bias, preluActivationWeights, filter } = args.inputs;
  const act = ACT[String(args.attrs.activation ?? 'linear')];
  if (preluActivationWeights || act === undefined) return undefined;
  const oc = filter?.shape[3] ?? 0;
  if (bias && !(isRowBias(bias, oc) && f32(args.backend, bias))) return undefined;
  const out = conv2d(args, n) as TensorInfo | undefined;
  if (!out) return undefined;
  if (bias || act !== 0) {
    n.I[0] = oc === 0 ? 0 : size(out.shape) / oc;
    n.I[1] = oc;
    n.I[2] = act;
    n.F[0] = Number(args.attrs.leakyreluAlpha ?? 0.2);
    n.addon.biasAct(args.backend.values(out) as Float32Array, bias ? (args.backend.values(bias) as Float32Array) : null);
  }
  return out;
};

const conv2dBackpropInput: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const { dy, filter } = inputs;
  const inputShape = attrs.inputShape as number[];
  if (!f32(backend, dy, filter) || inputShape.length !== 4) return undefined;
  const info = convInfo(inputShape, filter!.shape, attrs, 1);
  if (!info || !dyFits(dy!, info) || filter!.shape[2] !== info.inChannels) return undefined;
  const dx = backend.alloc(size(inputShape));
  setConv(n.I, info);
  n.addon.conv2dBackpropInput(backend.values(dy!) as Float32Array, backend.values(filter!) as Float32Array, dx);
  return backend.output(dx, inputShape.slice());
};

const conv2dBackpropFilter: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const { x, dy } = inputs;
  const filterShape = attrs.filterShape as number[];
  if (!f32(backend, x, dy) || x!.shape.length !== 4) return undefined;
  const info = convInfo(x!.shape, filterShape, attrs, 1);
  if (!info || !dyFits(dy!, info)) return undefined;
  const dw = backend.alloc(size(filterShape));
  setConv(n.I, info);
  n.addon.conv2dBackpropFilter(backend.values(x!) as Float32Array, backend.values(dy!) as Float32Array, dw);
  return backend.output(dw, filterShape.slice());
};

function poolInfo(xShape: number[], attrs: NamedAttrMap): ConvInfo {
  return backend_util.computePool2DInfo(
    xShape as [number, number, number, number], attrs.filterSize as [number, number], attrs.strides as [number, number],
    1, attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined);
}

function pool(kind: 'max' | 'avg'): NativeImpl {
  return ({ inputs, backend, attrs }, n) => {
    const x = inputs.x!;
    if (!f32(backend, x) || x.shape.length !== 4) return undefined;
    const info = poolInfo(x.shape, attrs);
    // cpu's shortcut: a 1x1 window with the input's shape returns the input, whatever the padding
    // (pad 1, stride 2 over 2x2 puts the first window wholly outside the image); cpu's identity copies nothing
    if (info.filterHeight === 1 && info.filterWidth === 1 && util.arraysEqual(info.inShape, info.outShape)) return undefined;
    const y = backend.alloc(size(info.outShape));
    setConv(n.I, info);
    const xv = backend.values(x) as Float32Array;
    if (kind === 'max') n.addon.maxPool(xv, y);
    else n.addon.avgPool(xv, y);
    return backend.output(y, info.outShape.slice());
  };
}

const maxPoolGrad: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const { dy, input } = inputs;
  if (!f32(backend, dy, input) || input!.shape.length !== 4) return undefined;
  const info = poolInfo(input!.shape, attrs);
  const dx = backend.alloc(size(input!.shape));
  setConv(n.I, info);
  n.addon.maxPoolGrad(backend.values(dy!) as Float32Array, backend.values(input!) as Float32Array, dx);
  return backend.output(dx, input!.shape.slice());
};

const avgPoolGrad: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const { dy, input } = inputs;
  if (!f32(backend, dy) || input!.shape.length !== 4) return undefined;
  const info = poolInfo(input!.shape, attrs);
  const dx = backend.alloc(size(input!.shape));
  setConv(n.I, info);
  n.addon.avgPoolGrad(backend.values(dy!) as Float32Array, dx);
  return backend.output(dx, input!.shape.slice());
};

// ---------------------------------------------------------------- gather

const gatherV2: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const { x, indices } = inputs;
  if (!f32(backend, x) || !i32(backend, indices) || Number(attrs.batchDims ?? 0) !== 0) return undefined;
  const axis = util.parseAxisParam(attrs.axis as number, x!.shape)[0]!;
  const outer = size(x!.shape.slice(0, axis)), axisLen = x!.shape[axis]!, inner = size(x!.shape.slice(axis + 1));
  const nIdx = size(indices!.shape);
  const outShape = [...x!.shape.slice(0, axis), ...indices!.shape, ...x!.shape.slice(axis + 1)];
  const y = backend.alloc(outer * nIdx * inner);
  n.I[0] = outer; n.I[1] = axisLen; n.I[2] = nIdx; n.I[3] = inner;
  if (!n.addon.gather(backend.values(x!) as Float32Array, backend.values(indices!) as Int32Array, y)) return undefined;
  return backend.output(y, outShape);
};

const unsortedSegmentSum: NativeImpl = ({ inputs, backend, attrs }, n) => {
  const { x, segmentIds } = inputs;
  if (!f32(backend, x) || !i32(backend, segmentIds)) return undefined;
  const segRank = segmentIds!.shape.length;
  if (!util.arraysEqual(x!.shape.slice(0, segRank), segmentIds!.shape)) return undefined;
  const numSegments = attrs.numSegments as number;
  const inner = size(x!.shape.slice(segRank));
  const y = backend.alloc(numSegments * inner);
  n.I[0] = size(segmentIds!.shape); n.I[1] = numSegments; n.I[2] = inner;
  n.addon.segmentSum(backend.values(x!) as Float32Array, backend.values(segmentIds!) as Int32Array, y);
  return backend.output(y, [numSegments, ...x!.shape.slice(segRank)]);
};

export const nnImpls: Record<string, NativeImpl> = {
  BatchMatMul: batchMatMul,
  _FusedMatMul: fusedMatMul,
  Conv2D: conv2d,
  FusedConv2D: fusedConv2d,
  Conv2DBackpropInput: conv2dBackpropInput,
  Conv2DBackpropFilter: conv2dBackpropFilter,
  MaxPool: pool('max'),
  MaxPoolGrad: maxPoolGrad,
  AvgPool: pool('avg'),
  AvgPoolGrad: avgPoolGrad,
  GatherV2: gatherV2,
  UnsortedSegmentSum: unsortedSegmentSum,
};
