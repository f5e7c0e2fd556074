/**
 * Inputs the kit knows how to feed each kernel an engine may claim: seeded
 * values in odd sizes, batch 1, strides, paddings, broadcasting and ties
 * (small integers), for `tf.engine().runKernel(name, inputs, attrs)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { generator, seedOf } from '../random.js';

export interface TensorValues {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  values: Float32Array | Int32Array | Uint8Array;
}

export interface KernelCase {
  inputs: Record<string, TensorValues> | TensorValues[];
  attrs: Record<string, unknown>;
}

/** Seeded tensors for one kernel's cases; `cpu` computes derived inputs (a pool's output for its gradient) on the reference. */
export interface Gen {
  rand(shape: number[], lo?: number, hi?: number): TensorValues;
  /** Small integers as float32: many exact ties (max pooling, comparisons, relu at 0). */
  ints(shape: number[], lo?: number, hi?: number): TensorValues;
  indices(shape: number[], below: number): TensorValues;
  bools(shape: number[]): TensorValues;
  cpu(kernel: string, inputs: KernelCase['inputs'], attrs: Record<string, unknown>): TensorValues[];
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function makeGen(kernel: string, cpu: Gen['cpu']): Gen {
  const next = generator(seedOf(kernel));
  const fill = (shape: number[], f: () => number) => Float32Array.from({ length: size(shape) }, f);
  return {
    rand: (shape, lo = -1, hi = 1) => ({ shape, dtype: 'float32', values: fill(shape, () => lo + (hi - lo) * next()) }),
    ints: (shape, lo = -3, hi = 3) => ({ shape, dtype: 'float32', values: fill(shape, () => Math.floor(lo + (hi - lo + 1) * next())) }),
    indices: (shape, below) => ({ shape, dtype: 'int32', values: Int32Array.from({ length: size(shape) }, () => Math.floor(below * next())) }),
    bools: (shape) => ({ shape, dtype: 'bool', values: Uint8Array.from({ length: size(shape) }, () => (next() < 0.5 ? 1 : 0)) }),
    cpu,
  };
}

type Builder = (g: Gen) => KernelCase[];

const UNARY_SHAPES = [[1], [7], [3, 5], [2, 3, 17], [40000]];

function unary(range: [number, number] | 'ints' | 'halves', attrs: Record<string, unknown> = {}): Builder {
  return (g) =>
    UNARY_SHAPES.map((s) => {
      if (range === 'ints') return { inputs: { x: g.ints(s) }, attrs };
      if (range === 'halves') {
        const x = g.ints(s, -6, 6);
        return { inputs: { x: { ...x, values: (x.values as Float32Array).map((v) => v / 2) } }, attrs };
      }
      return { inputs: { x: g.rand(s, range[0], range[1]) }, attrs };
    });
}

const PAIRS: [number[], number[]][] = [
  [[3, 5], [3, 5]], [[], [4, 3]], [[4, 3], []], [[6, 7], [7]], [[9, 1], [9, 5]], [[2, 1, 4], [3, 1]], [[64, 129], [64, 129]],
];

function binary(kind: 'rand' | 'ints' | 'positive-b' | 'positive-a'): Builder {
  return (g) =>
    PAIRS.map(([sa, sb]) => ({
      inputs: {
        a: kind === 'ints' ? g.ints(sa) : kind === 'positive-a' ? g.rand(sa, 0.1, 2) : g.rand(sa),
        b: kind === 'ints' ? g.ints(sb) : kind === 'positive-b' ? g.rand(sb, 0.25, 2) : g.rand(sb),
      },
      attrs: {},
    }));
}

const REDUCE: [number[], number[], boolean][] = [
  [[2, 3, 17], [0], false], [[2, 3, 17], [1], true], [[2, 3, 17], [2], false], [[2, 3, 17], [1, 2], false],
  [[2, 3, 17], [0, 1, 2], true], [[40000], [0], false], [[64, 129], [1], false], [[64, 129], [0], true],
];

function reduction(axisAttr: 'axis' | 'reductionIndices', values: 'rand' | 'ints'): Builder {
  return (g) => REDUCE.map(([s, axis, keepDims]) => ({ inputs: { x: values === 'ints' ? g.ints(s) : g.rand(s) }, attrs: { [axisAttr]: axis, keepDims } }));
}

interface ConvCase { x: number[]; f: number[]; strides: number; pad: 'same' | 'valid'; dilations: number }
const CONVS: ConvCase[] = [
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same', dilations: 1 },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], strides: 2, pad: 'valid', dilations: 1 },
  { x: [1, 10, 7, 3], f: [1, 1, 3, 5], strides: 1, pad: 'valid', dilations: 1 },
  { x: [3, 11, 11, 2], f: [5, 5, 2, 6], strides: 2, pad: 'same', dilations: 1 },
  { x: [1, 28, 28, 1], f: [3, 3, 1, 8], strides: 1, pad: 'valid', dilations: 1 },
  { x: [2, 8, 8, 16], f: [3, 3, 16, 8], strides: 1, pad: 'same', dilations: 1 },
];
const DILATED: ConvCase = { x: [1, 9, 9, 2], f: [3, 3, 2, 3], strides: 1, pad: 'valid', dilations: 2 };

const convAttrs = (c: ConvCase) => ({ strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations });
function convOut(c: ConvCase): number[] {
  const i = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.f as [number, number, number, number], c.strides, c.dilations, c.pad);
  return [c.x[0]!, i.outHeight, i.outWidth, i.outChannels];
}

interface PoolCase { x: number[]; filterSize: number; strides: number; pad: 'same' | 'valid' }
const POOLS: PoolCase[] = [
  { x: [2, 9, 9, 3], filterSize: 2, strides: 2, pad: 'valid' },
  { x: [2, 9, 9, 3], filterSize: 3, strides: 1, pad: 'same' },
  { x: [1, 7, 11, 2], filterSize: 3, strides: 2, pad: 'same' },
  { x: [1, 26, 26, 8], filterSize: 2, strides: 2, pad: 'valid' },
];
const poolAttrs = (p: PoolCase) => ({ filterSize: p.filterSize, strides: p.strides, pad: p.pad });

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const;

/** Every kernel the kit can feed, by tfjs kernel name. */
export const kernelCases: Readonly<Record<string, Builder>> = {
  Abs: unary([-1, 1]),
  Ceil: unary([-4, 4]),
  Cos: unary([-4, 4]),
  Elu: unary([-3, 3]),
  Erf: unary([-2, 2]),
  Exp: unary([-3, 3]),
  Expm1: unary([-1, 1]),
  Floor: unary([-4, 4]),
  LeakyRelu: unary([-1, 1], { alpha: 0.1 }),
  Log: unary([0.1, 4]),
  Log1p: unary([0, 4]),
  Neg: unary([-1, 1]),
  Reciprocal: unary([0.1, 4]),
  Relu: unary('ints'),
  Relu6: unary([-8, 8]),
  Round: unary('halves'),
  Rsqrt: unary([0.1, 4]),
  Selu: unary([-3, 3]),
  Sigmoid: unary([-5, 5]),
  Sign: unary('ints'),
  Sin: unary([-4, 4]),
  Softplus: unary([-20, 20]),
  Sqrt: unary([0.1, 4]),
  Square: unary([-1, 1]),
  Step: unary('ints', { alpha: 0.3 }),
  Tanh: unary([-3, 3]),

  Add: binary('rand'),
  Sub: binary('rand'),
  Multiply: binary('rand'),
  RealDiv: binary('positive-b'),
  Maximum: binary('ints'),
  Minimum: binary('ints'),
  SquaredDifference: binary('rand'),
  Pow: binary('positive-a'),
  Greater: binary('ints'),
  GreaterEqual: binary('ints'),
  Less: binary('ints'),
  LessEqual: binary('ints'),
  Equal: binary('ints'),
  NotEqual: binary('ints'),

  EluGrad: (g) => [[3, 5], [2, 3, 17], [40000]].map((s) => ({ inputs: { dy: g.rand(s), y: g.rand(s, -0.99, 3) }, attrs: {} })),
  AddN: (g) => [[g.rand([3, 5]), g.rand([3, 5]), g.rand([3, 5])], [g.rand([1000]), g.rand([1000])]].map((inputs) => ({ inputs, attrs: {} })),
  Select: (g) => [
    { inputs: { condition: g.bools([3, 5]), t: g.rand([3, 5]), e: g.rand([3, 5]) }, attrs: {} },
    { inputs: { condition: g.bools([3]), t: g.rand([3, 5]), e: g.rand([3, 5]) }, attrs: {} },
  ],
  ClipByValue: (g) => [[2, 3, 17], [40000]].map((s) => ({ inputs: { x: g.rand(s) }, attrs: { clipValueMin: -0.3, clipValueMax: 0.4 } })),
  Sum: reduction('axis', 'rand'),
  Mean: reduction('axis', 'rand'),
  Max: reduction('reductionIndices', 'ints'),
  Min: reduction('axis', 'ints'),
  ArgMax: (g) => [[[64, 10], 1], [[2, 3, 17], 0], [[2, 3, 17], 2]].map(([s, axis]) => ({ inputs: { x: g.ints(s as number[]) }, attrs: { axis } })),
  Softmax: (g) => [[3, 5], [2, 3, 17], [64, 10]].map((s) => ({ inputs: { logits: g.rand(s, -5, 5) }, attrs: { dim: -1 } })),

  BatchMatMul: (g) =>
    (
      [
        [[2, 5, 7], [2, 7, 3], false, false], [[2, 7, 5], [2, 7, 3], true, false], [[2, 5, 7], [2, 3, 7], false, true],
        [[2, 7, 5], [2, 3, 7], true, true], [[1, 5, 7], [3, 7, 3], false, false], [[1, 64, 100], [1, 100, 33], false, false],
        [[1, 100, 64], [1, 100, 33], true, false], [[1, 64, 100], [1, 33, 100], false, true], [[4, 1, 9], [4, 9, 1], false, false],
      ] as [number[], number[], boolean, boolean][]
    ).map(([a, b, transposeA, transposeB]) => ({ inputs: { a: g.rand(a), b: g.rand(b) }, attrs: { transposeA, transposeB } })),
  _FusedMatMul: (g): KernelCase[] => [
    ...ACTIVATIONS.map((activation) => ({
      inputs: { a: g.rand([1, 13, 20]), b: g.rand([1, 20, 7]), bias: g.rand([7]) },
      attrs: { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 },
    })),
    { inputs: { a: g.rand([1, 13, 20]), b: g.rand([1, 7, 20]), bias: g.rand([7]) }, attrs: { transposeA: false, transposeB: true, activation: 'relu' } },
    { inputs: { a: g.rand([1, 20, 13]), b: g.rand([1, 20, 7]) }, attrs: { transposeA: true, transposeB: false, activation: 'linear' } },
    { inputs: { a: g.rand([1, 13, 20]), b: g.rand([1, 20, 7]), bias: g.rand([7]), preluActivationWeights: g.rand([7], 0, 0.5) }, attrs: { transposeA: false, transposeB: false, activation: 'prelu' } },
  ],

  Conv2D: (g) => [...CONVS, DILATED].map((c) => ({ inputs: { x: g.rand(c.x), filter: g.rand(c.f) }, attrs: convAttrs(c) })),
  FusedConv2D: (g) =>
    CONVS.map((c, i) => ({ inputs: { x: g.rand(c.x), filter: g.rand(c.f), bias: g.rand([c.f[3]!]) }, attrs: { ...convAttrs(c), activation: i % 2 ? 'relu' : 'linear' } })),
  Conv2DBackpropInput: (g) =>
    CONVS.map((c) => ({ inputs: { dy: g.rand(convOut(c)), filter: g.rand(c.f) }, attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } })),
  Conv2DBackpropFilter: (g) =>
    CONVS.map((c) => ({ inputs: { x: g.rand(c.x), dy: g.rand(convOut(c)) }, attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f } })),

  MaxPool: (g) => POOLS.map((p) => ({ inputs: { x: g.ints(p.x) }, attrs: poolAttrs(p) })),
  AvgPool: (g) => POOLS.map((p) => ({ inputs: { x: g.rand(p.x) }, attrs: poolAttrs(p) })),
  MaxPoolGrad: (g) =>
    POOLS.flatMap((p) =>
      // ties, and windows whose values are all negative (a max pool not after a ReLU)
      [g.ints(p.x), g.rand(p.x, -3, -0.1)].map((input) => {
        const output = g.cpu('MaxPool', { x: input }, poolAttrs(p))[0]!;
        return { inputs: { dy: g.rand(output.shape), input, output }, attrs: poolAttrs(p) };
      }),
    ),
  AvgPoolGrad: (g) =>
    POOLS.map((p) => {
      const input = g.rand(p.x);
      const output = g.cpu('AvgPool', { x: input }, poolAttrs(p))[0]!;
      return { inputs: { dy: g.rand(output.shape), input }, attrs: poolAttrs(p) };
    }),

  GatherV2: (g) => [
    { inputs: { x: g.rand([10, 6]), indices: g.indices([7], 10) }, attrs: { axis: 0, batchDims: 0 } },
    { inputs: { x: g.rand([10, 6]), indices: g.indices([9], 6) }, attrs: { axis: 1, batchDims: 0 } },
    { inputs: { x: g.rand([300, 28]), indices: g.indices([64], 300) }, attrs: { axis: 0, batchDims: 0 } },
  ],
  UnsortedSegmentSum: (g) => [
    { inputs: { x: g.rand([10, 6]), segmentIds: g.indices([10], 4) }, attrs: { numSegments: 4 } },
    { inputs: { x: g.rand([64, 28]), segmentIds: g.indices([64], 300) }, attrs: { numSegments: 300 } },
  ],
  Slice: (g) => [
    { inputs: { x: g.rand([4, 6, 5]) }, attrs: { begin: [1, 0, 2], size: [2, 6, 3] } },
    { inputs: { x: g.rand([10, 8]) }, attrs: { begin: [2, 1], size: [3, -1] } },
    { inputs: { x: g.rand([6, 4]) }, attrs: { begin: [2, 0], size: [3, 4] } },
  ],
  SplitV: (g) => [
    { inputs: { x: g.rand([4, 6]) }, attrs: { numOrSizeSplits: [2, 1, 3], axis: 1 } },
    { inputs: { x: g.rand([6, 3]) }, attrs: { numOrSizeSplits: 3, axis: 0 } },
  ],
  Tile: (g) => [
    { inputs: { x: g.rand([2, 3]) }, attrs: { reps: [2, 3] } },
    { inputs: { x: g.rand([3]) }, attrs: { reps: [4] } },
    { inputs: { x: g.rand([2, 1, 3]) }, attrs: { reps: [1, 4, 2] } },
  ],
  Transpose: (g) => [
    { inputs: { x: g.rand([2, 3, 4]) }, attrs: { perm: [2, 0, 1] } },
    { inputs: { x: g.rand([5, 7]) }, attrs: { perm: [1, 0] } },
    { inputs: { x: g.rand([2, 3, 4, 5]) }, attrs: { perm: [0, 3, 1, 2] } },
  ],
  PadV2: (g) => [
    { inputs: { x: g.rand([2, 3]) }, attrs: { paddings: [[1, 2], [0, 3]], constantValue: 0.5 } },
    { inputs: { x: g.rand([2, 4, 4, 3]) }, attrs: { paddings: [[0, 0], [1, 1], [2, 0], [0, 0]], constantValue: 0 } },
  ],
  Concat: (g) => [
    { inputs: [g.rand([2, 3]), g.rand([2, 4])], attrs: { axis: 1 } },
    { inputs: [g.rand([2, 3]), g.rand([1, 3]), g.rand([3, 3])], attrs: { axis: 0 } },
    { inputs: [g.rand([2, 3, 4]), g.rand([2, 3, 4])], attrs: { axis: 2 } },
  ],
  FusedBatchNorm: (g): KernelCase[] => [
    { inputs: { x: g.rand([2, 5, 5, 31]), mean: g.rand([31]), variance: g.rand([31], 0.1, 2), offset: g.rand([31]), scale: g.rand([31]) }, attrs: { varianceEpsilon: 1e-3 } },
    { inputs: { x: g.rand([7, 3]), mean: g.rand([1]), variance: g.rand([3], 0.1, 2) }, attrs: { varianceEpsilon: 0.01 } },
  ],
  Cast: (g) => [
    { inputs: { x: g.rand([3, 5], -4, 4) }, attrs: { dtype: 'int32' } },
    { inputs: { x: g.indices([3, 5], 9) }, attrs: { dtype: 'float32' } },
    { inputs: { x: g.ints([3, 5]) }, attrs: { dtype: 'bool' } },
  ],
  OneHot: (g) => [{ inputs: { indices: g.indices([7], 5) }, attrs: { depth: 5, onValue: 1, offValue: 0, dtype: 'float32' } }],
};

/** A case as a short line for messages: `x [2,9,9,3], filter [3,3,3,4]; strides 2, pad "valid"`. */
export function describeCase(c: KernelCase): string {
  const ins = Array.isArray(c.inputs) ? c.inputs.map((t, i) => [String(i), t] as const) : Object.entries(c.inputs);
  const attrs = Object.entries(c.attrs).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  return `${ins.map(([k, t]) => `${k} [${t.shape}]`).join(', ')}${attrs.length ? `; ${attrs.join(', ')}` : ''}`;
}
