import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from './wasm-training-kernels.js';
import { mulberry32 } from '../random.js';

/**
 * The wasm training kernels against tfjs-backend-cpu: the same random inputs
 * on both backends, results within float tolerance.
 */

type Shape = number[];
type Pad = 'valid' | 'same' | tf.backend_util.ExplicitPadding;

/** Seeded uniform values in [-1, 1) (mulberry32), so both backends see the same data. */
function rand(shape: Shape, seed: number): Float32Array {
  const n = shape.reduce((p, d) => p * d, 1);
  const out = new Float32Array(n);
  const next = mulberry32(seed);
  for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
  return out;
}

/** Runs `fn` on `backend` and returns its outputs' values; the previous backend is restored. */
async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  const before = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const outs = tf.tidy(fn);
    const list = Array.isArray(outs) ? outs : [outs];
    const values = await Promise.all(list.map(async (t) => new Float32Array(await t.data())));
    tf.dispose(list);
    return values;
  } finally {
    await tf.setBackend(before);
  }
}

function expectClose(actual: Float32Array[], expected: Float32Array[], rtol = 1e-4, atol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, k) => {
    const e = expected[k]!;
    expect(a.length).toBe(e.length);
    let worst = 0;
    let at = -1;
    for (let i = 0; i < a.length; i++) {
      const excess = Math.abs(a[i]! - e[i]!) - (atol + rtol * Math.abs(e[i]!));
      if (!(excess <= worst)) {
        worst = Number.isNaN(excess) ? Infinity : excess;
        at = i;
      }
    }
    expect(at === -1 ? 'ok' : `output ${k}[${at}]: ${a[at]} vs ${e[at]}`).toBe('ok');
  });
}

/** The filter gradient kernel (tfjs-core has no public op for it). */
function filterGrad(x: tf.Tensor, dy: tf.Tensor, filterShape: number[], strides: number | [number, number], pad: Pad, extra: object = {}): tf.Tensor {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat: 'NHWC', filterShape, ...extra } as never) as tf.Tensor;
}

/** Both backends, same function, results compared. */
async function compare(fn: () => tf.Tensor | tf.Tensor[], rtol?: number, atol?: number): Promise<void> {
  const cpu = await on('cpu', fn);
  const wasm = await on('wasm', fn);
  expectClose(wasm, cpu, rtol, atol);
}

let previousBackend: string | undefined;
let hadFilterGradBefore = true;
let matMulBefore: tf.KernelConfig | undefined;

beforeAll(async () => {
  previousBackend = tf.engine().backendName ?? undefined;
  hadFilterGradBefore = !!tf.getKernel('Conv2DBackpropFilter', 'wasm');
  matMulBefore = tf.getKernel('BatchMatMul', 'wasm');
  registerWasmTrainingKernels(tf);
  await tf.setBackend('wasm');
});

afterAll(async () => {
  if (previousBackend) await tf.setBackend(previousBackend);
});

describe('registerWasmTrainingKernels', () => {
  it('importing the module registered nothing; registering adds the filter gradient and wraps the products', () => {
    expect(hadFilterGradBefore).toBe(false);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).not.toBe(matMulBefore!.kernelFunc);
    expect(tf.getKernel('BatchMatMul', 'wasm')!.setupFunc).toBe(matMulBefore!.setupFunc);
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBeDefined(); // other backends untouched
  });

  it('is idempotent', () => {
    const kernels = () => tf.getKernelsForBackend('wasm').map((k) => [k.kernelName, k.kernelFunc] as const);
    const before = kernels();
    const again = registerWasmTrainingKernels(tf);
    expect(again).toEqual({ added: ['Conv2DBackpropFilter'], replaced: ['MaxPoolGrad', 'Conv2DBackpropInput'], wrapped: ['BatchMatMul', '_FusedMatMul'] });
    expect(kernels()).toEqual(before);
  });

  it('says what is missing when the wasm backend was not imported', () => {
    expect(() => registerWasmTrainingKernels(tf, { backendName: 'no-such-backend' })).toThrow(/import '@tensorflow\/tfjs-backend-wasm'/);
  });

  it('leaks no tensor data', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(rand([2, 7, 6, 3], 1), [2, 7, 6, 3]);
    const dy = tf.tensor4d(rand([2, 4, 3, 4], 2), [2, 4, 3, 4]);
    const a = tf.tensor2d(rand([5, 3], 3), [5, 3]);
    const b = tf.tensor2d(rand([4, 3], 4), [4, 3]);
    const backend = tf.engine().backend;
    const ids = backend.numDataIds();
    const tensors = tf.memory().numTensors;
    tf.tidy(() => {
      filterGrad(x, dy, [3, 3, 3, 4], 2, 'same');
      tf.grad((t: tf.Tensor) => tf.conv2d(t as tf.Tensor4D, tf.ones([3, 3, 3, 4]) as tf.Tensor4D, 2, 'same'))(x);
      tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 3, 2, 'same'))(x);
      tf.matMul(a, b, false, true);
      tf.matMul(a, a, true, false);
      tf.matMul(tf.ones([2, 40]), tf.ones([40, 64])); // the swapped product
      tf.fused.matMul({ a, b, transposeB: true, bias: tf.ones([4]), activation: 'relu' });
    });
    expect(backend.numDataIds()).toBe(ids);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([x, dy, a, b]);
  });
});

interface ConvCase {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const convCases: ConvCase[] = [
  { x: [1, 5, 5, 1], f: [3, 3, 1, 2], strides: 1, pad: 'valid' },
  { x: [2, 7, 6, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [3, 9, 8, 2], f: [3, 3, 2, 5], strides: 2, pad: 'same' },
  { x: [2, 8, 9, 3], f: [2, 3, 3, 2], strides: [2, 1], pad: 'valid' },
  { x: [2, 6, 7, 2], f: [4, 4, 2, 3], strides: 2, pad: 'same' },
  { x: [2, 7, 7, 2], f: [1, 1, 2, 3], strides: 3, pad: 'valid' },
  { x: [1, 10, 9, 1], f: [5, 3, 1, 1], strides: [3, 2], pad: 'valid' },
  { x: [2, 5, 6, 2], f: [3, 3, 2, 2], strides: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [3, 28, 28, 1], f: [3, 3, 1, 8], strides: 1, pad: 'valid' },
  { x: [2, 13, 13, 8], f: [3, 3, 8, 6], strides: 1, pad: 'same' },
  { x: [1, 3, 3, 2], f: [3, 3, 2, 2], strides: 1, pad: 'valid' },
];

const label = (c: ConvCase) => `x ${c.x.join('x')}, filter ${c.f.join('x')}, strides ${c.strides}, pad ${JSON.stringify(c.pad)}`;

describe('Conv2DBackpropFilter', () => {
  it.each(convCases)('matches cpu: $x.0 batch, %#', async (c) => {
    const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, 1, c.pad);
    const dyShape = [c.x[0], info.outHeight, info.outWidth, c.f[3]];
    await compare(() => filterGrad(tf.tensor4d(rand(c.x, 11), c.x), tf.tensor(rand(dyShape, 12), dyShape), c.f, c.strides, c.pad));
  });

  it('matches cpu with channels-first data (NCHW)', async () => {
    const x: Shape = [2, 3, 7, 6];
    const f: [number, number, number, number] = [3, 3, 3, 4];
    const dy: Shape = [2, 4, 4, 3];
    await compare(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(rand(x, 5), x), dy: tf.tensor(rand(dy, 6), dy) }, {
        strides: 2,
        pad: 'same',
        dataFormat: 'NCHW',
        filterShape: f,
      } as never) as tf.Tensor,
    );
  });

  it('Conv2DBackpropInput matches cpu with channels-first data (NCHW)', async () => {
    const f: Shape = [3, 3, 3, 4];
    const dy: Shape = [2, 4, 4, 3];
    await compare(() =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(rand(dy, 5), dy), filter: tf.tensor(rand(f, 6), f) }, {
        strides: 2,
        pad: 'same',
        dataFormat: 'NCHW',
        inputShape: [2, 3, 7, 6],
      } as never) as tf.Tensor,
    );
  });

  it('Conv2DBackpropInput matches cpu with a rounding mode and with padding wider than the filter', async () => {
    const f: Shape = [3, 3, 2, 3];
    const run = (inputShape: number[], pad: unknown, strides: number, dimRoundingMode?: string) => {
      const info = tf.backend_util.computeConv2DInfo(inputShape as never, f as never, strides, 1, pad as 'same', dimRoundingMode as 'ceil');
      const dy = [inputShape[0]!, info.outHeight, info.outWidth, 3];
      return tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(rand(dy, 9), dy), filter: tf.tensor(rand(f, 10), f) }, {
        strides,
        pad,
        dataFormat: 'NHWC',
        dimRoundingMode,
        inputShape,
      } as never) as tf.Tensor;
    };
    await compare(() => run([2, 6, 6, 2], 1, 2, 'ceil'));
    await compare(() => run([1, 5, 4, 2], [[0, 0], [4, 1], [0, 5], [0, 0]], 1));
    await compare(() => run([1, 9, 8, 2], [[0, 0], [4, 0], [1, 3], [0, 0]], 3));
  });

  // tfjs-core's conv2d_transpose_test 'input=8x8x8,output=4x4x8,f=8,s=1,inDepth=8,p=same vec4': dy is 8x8
  // where stride 1, 'same' padding and a 4x4 input give a 4x4 forward output; cpu reads dy's top-left 4x4.
  it('Conv2DBackpropInput matches cpu with a dy larger than the forward output the shapes imply', async () => {
    const tfjsData = (n: number) => Float32Array.from({ length: n }, (_, i) => i % 5);
    await compare(() => tf.conv2dTranspose(tf.tensor4d(tfjsData(512), [1, 8, 8, 8]), tf.tensor4d(tfjsData(4096), [8, 8, 8, 8]), [1, 4, 4, 8], 1, 'same'), 0, 0);
    await compare(() => tf.conv2dTranspose(tf.tensor4d(rand([2, 9, 7, 3], 13), [2, 9, 7, 3]), tf.tensor4d(rand([3, 3, 5, 3], 14), [3, 3, 5, 3]), [2, 5, 4, 5], [2, 1], 'same'));
    const dy: Shape = [2, 3, 9, 7];
    await compare(() =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(rand(dy, 15), dy), filter: tf.tensor(rand([3, 3, 5, 3], 16), [3, 3, 5, 3]) }, {
        strides: [2, 1],
        pad: 'same',
        dataFormat: 'NCHW',
        inputShape: [2, 5, 5, 4],
      } as never) as tf.Tensor,
    );
  });

  it('matches cpu with a rounding mode that reads past the input', async () => {
    const x: Shape = [2, 6, 6, 2];
    const f: [number, number, number, number] = [3, 3, 2, 3];
    const info = tf.backend_util.computeConv2DInfo(x as never, f, 2, 1, 1, 'ceil');
    const dy = [2, info.outHeight, info.outWidth, 3];
    await compare(() =>
      filterGrad(tf.tensor(rand(x, 7), x), tf.tensor(rand(dy, 8), dy), f, 2, 1 as never, { dimRoundingMode: 'ceil' }),
    );
  });

  it('matches cpu with padding wider than the filter', async () => {
    const x: Shape = [1, 9, 8, 2];
    const f: [number, number, number, number] = [3, 3, 2, 3];
    const pad: Pad = [[0, 0], [4, 0], [1, 3], [0, 0]];
    const info = tf.backend_util.computeConv2DInfo(x as never, f, 3, 1, pad);
    const dy = [1, info.outHeight, info.outWidth, 3];
    await compare(() => filterGrad(tf.tensor(rand(x, 7), x), tf.tensor(rand(dy, 8), dy), f, 3, pad));
  });
});

describe('MaxPoolGrad', () => {
  const maxPoolGradKernel = (x: tf.Tensor, dy: tf.Tensor, filterSize: number | [number, number], strides: number | [number, number], pad: Pad | number, dimRoundingMode?: string) =>
    tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: tf.zeros(dy.shape) }, { filterSize, strides, pad, dimRoundingMode } as never) as tf.Tensor;

  it('passes the gradient of an all-negative window to its maximum (tfjs-backend-wasm 4.22 passes none)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d([-3, -1, -4, -2], [1, 2, 2, 1]);
    expect(Array.from(await maxPoolGradKernel(x, tf.ones([1, 1, 1, 1]), 2, 2, 'valid').data())).toEqual([0, 1, 0, 0]);
  });

  it('gives a tied window\'s gradient to its first maximum, like cpu', async () => {
    const shape: [number, number, number, number] = [2, 6, 6, 3];
    const vals = rand(shape, 3).map((v) => Math.round(v)); // -1, 0, 1: many ties
    await compare(() => tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 3, 1, 'same'))(tf.tensor4d(vals, shape), tf.tensor(rand([2, 6, 6, 3], 4), shape)));
    await compare(() => tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'))(tf.tensor4d(vals, shape), tf.tensor(rand([2, 3, 3, 3], 5), [2, 3, 3, 3])));
  });

  it.each([
    { x: [1, 5, 5, 1], size: 2, strides: 2, pad: 'valid', dim: undefined },
    { x: [2, 7, 6, 3], size: [3, 2], strides: [1, 2], pad: 'same', dim: undefined },
    { x: [2, 7, 7, 2], size: 3, strides: 2, pad: 1, dim: 'ceil' },
    { x: [1, 6, 5, 2], size: 2, strides: 1, pad: [[0, 0], [1, 0], [0, 1], [0, 0]], dim: undefined },
  ] as { x: [number, number, number, number]; size: number | [number, number]; strides: number | [number, number]; pad: Pad | number; dim?: string }[])(
    'matches cpu for $x, window $size, strides $strides, pad $pad',
    async (c) => {
      const info = tf.backend_util.computePool2DInfo(c.x, c.size, c.strides, 1, c.pad as 'same', c.dim as 'ceil');
      const dy = [c.x[0], info.outHeight, info.outWidth, c.x[3]];
      await compare(() => maxPoolGradKernel(tf.tensor4d(rand(c.x, 6), c.x), tf.tensor(rand(dy, 7), dy), c.size, c.strides, c.pad, c.dim));
    },
  );
});

describe('gradients', () => {
  it.each(convCases)('conv2d: dx and dW match cpu (%#)', async (c) => {
    const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, 1, c.pad);
    const dyShape = [c.x[0], info.outHeight, info.outWidth, c.f[3]];
    await compare(() => {
      const g = tf.grads((x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad));
      return g([tf.tensor4d(rand(c.x, 21), c.x), tf.tensor4d(rand(c.f, 22), c.f)], tf.tensor(rand(dyShape, 23), dyShape));
    });
  });

  it.each(convCases.slice(0, 6))('fused conv2d + bias + relu: dx, dW and dbias match cpu (%#)', async (c) => {
    const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, 1, c.pad);
    const dyShape = [c.x[0], info.outHeight, info.outWidth, c.f[3]];
    await compare(() => {
      const g = tf.grads((x: tf.Tensor, f: tf.Tensor, b: tf.Tensor) =>
        tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: c.strides, pad: c.pad as 'same', bias: b, activation: 'relu' }),
      );
      return g([tf.tensor4d(rand(c.x, 31), c.x), tf.tensor4d(rand(c.f, 32), c.f), tf.tensor1d(rand([c.f[3]], 33))], tf.tensor(rand(dyShape, 34), dyShape));
    });
  });

  const poolCases: { x: [number, number, number, number]; size: number | [number, number]; strides: number | [number, number]; pad: 'valid' | 'same' }[] = [
    { x: [1, 4, 4, 1], size: 2, strides: 2, pad: 'valid' },
    { x: [3, 7, 5, 2], size: 2, strides: 2, pad: 'valid' },
    { x: [2, 7, 5, 3], size: 2, strides: 2, pad: 'same' },
    { x: [2, 6, 6, 2], size: 3, strides: 1, pad: 'same' },
    { x: [2, 9, 8, 2], size: [3, 2], strides: [2, 3], pad: 'valid' },
    { x: [2, 26, 26, 4], size: 2, strides: 2, pad: 'valid' },
  ];

  it.each(poolCases)('maxPool and avgPool: forward and dx match cpu (%#)', async (c) => {
    await compare(() => {
      const x = tf.tensor4d(rand(c.x, 41), c.x);
      const max = tf.maxPool(x, c.size, c.strides, c.pad);
      const dyMax = tf.tensor(rand(max.shape, 42), max.shape);
      const dMax = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, c.size, c.strides, c.pad))(x, dyMax);
      const dAvg = tf.grad((t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, c.size, c.strides, c.pad))(x, dyMax);
      return [max, dMax, tf.avgPool(x, c.size, c.strides, c.pad), dAvg];
    });
  });

  it('batch norm: dx, dmean, dvariance, doffset, dscale match cpu', async () => {
    const shape: Shape = [3, 5, 4, 6];
    await compare(() => {
      const g = tf.grads((x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) => tf.batchNorm(x, m, v, o, s, 1e-3));
      const c = (seed: number) => tf.tensor1d(rand([6], seed));
      return g([tf.tensor(rand(shape, 51), shape), c(52), tf.add(c(53), 1.5), c(54), c(55)], tf.tensor(rand(shape, 56), shape));
    });
  });

  it.each(['relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'softmax', 'softplus', 'softsign', 'tanh', 'swish', 'mish', 'gelu', 'linear'])(
    'activation %s: dx matches cpu',
    async (activation) => {
      const shape: Shape = [4, 9];
      const x = rand(shape, 57).map((v) => v * 4); // across relu6's and hardSigmoid's kinks
      await compare(() => tf.grad((t: tf.Tensor) => tfl.layers.activation({ activation: activation as never }).apply(t) as tf.Tensor)(tf.tensor(x, shape), tf.tensor(rand(shape, 58), shape)));
    },
  );

  it('concat, pad and slice: gradients match cpu', async () => {
    await compare(() => {
      const a = tf.tensor4d(rand([2, 5, 4, 1], 61), [2, 5, 4, 1]);
      const b = tf.tensor4d(rand([2, 5, 4, 3], 62), [2, 5, 4, 3]);
      const f = (p: tf.Tensor, q: tf.Tensor) => tf.slice(tf.pad(tf.concat([p, q], -1), [[0, 0], [1, 2], [2, 1], [0, 0]]), [0, 1, 0, 1], [2, 6, 6, 2]);
      return tf.grads(f)([a, b], tf.tensor(rand([2, 6, 6, 2], 63), [2, 6, 6, 2]));
    });
  });
});

describe('matrix products with a transposed operand', () => {
  const cases: { a: Shape; b: Shape; ta: boolean; tb: boolean }[] = [
    { a: [5, 3], b: [3, 4], ta: false, tb: false },
    { a: [3, 5], b: [3, 4], ta: true, tb: false },
    { a: [5, 3], b: [4, 3], ta: false, tb: true },
    { a: [3, 5], b: [4, 3], ta: true, tb: true },
    { a: [1, 7], b: [1, 9], ta: true, tb: false },
    { a: [33, 1], b: [17, 1], ta: false, tb: true },
    { a: [1, 31, 65], b: [1, 31, 17], ta: true, tb: false },
    { a: [1, 64, 70], b: [1, 33, 70], ta: false, tb: true },
    { a: [3, 4, 5], b: [3, 6, 4], ta: true, tb: true },
    { a: [2, 1, 4, 5], b: [1, 3, 6, 5], ta: false, tb: true },
    // a short A and a wide B: XNNPACK packs Aᵀ and the product is transposed back
    { a: [2, 40], b: [40, 64], ta: false, tb: false },
    { a: [3, 40], b: [64, 40], ta: false, tb: true },
    { a: [40, 1], b: [40, 70], ta: true, tb: false },
    { a: [33, 3], b: [90, 33], ta: true, tb: true },
    { a: [1, 3, 50], b: [1, 50, 70], ta: false, tb: false },
  ];

  it.each(cases)('matMul $a x $b (transposeA $ta, transposeB $tb) matches cpu', async (c) => {
    await compare(() => tf.matMul(tf.tensor(rand(c.a, 71), c.a), tf.tensor(rand(c.b, 72), c.b), c.ta, c.tb));
  });

  it.each(cases.slice(0, 6))('fused matMul + bias + relu, $a x $b (transposeA $ta, transposeB $tb), matches cpu', async (c) => {
    const cols = c.tb ? c.b[c.b.length - 2]! : c.b[c.b.length - 1]!;
    await compare(() =>
      tf.fused.matMul({
        a: tf.tensor(rand(c.a, 81), c.a as [number, number]) as tf.Tensor2D,
        b: tf.tensor(rand(c.b, 82), c.b as [number, number]) as tf.Tensor2D,
        transposeA: c.ta,
        transposeB: c.tb,
        bias: tf.tensor1d(rand([cols], 83)),
        activation: 'relu',
      }),
    );
  });

  it('a B used again (evaluation batches) gives the same products as the first time', async () => {
    await compare(() => {
      const b = tf.tensor2d(rand([40, 64], 75), [40, 64]);
      return [1, 2, 3].map((s) => tf.matMul(tf.tensor2d(rand([2, 40], 75 + s), [2, 40]), b));
    });
  });

  it('dense layer gradients (dx = dy·Wᵀ, dW = xᵀ·dy) match cpu', async () => {
    await compare(() => {
      const g = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: 'relu' }));
      return g([tf.tensor2d(rand([7, 13], 91), [7, 13]), tf.tensor2d(rand([13, 5], 92), [13, 5]), tf.tensor1d(rand([5], 93))], tf.tensor2d(rand([7, 5], 94), [7, 5]));
    });
  });
});

describe('training on wasm follows cpu', () => {
  /** Builds the model on `backend` with `weights` (or its seeded initial ones), trains `steps` steps, returns losses and final weights. */
  async function train(
    backend: 'cpu' | 'wasm',
    build: () => tfl.LayersModel,
    inShape: Shape,
    steps: number,
    optimizer: () => tf.Optimizer,
    weights?: Float32Array[],
  ): Promise<{ losses: number[]; weights: Float32Array[] }> {
    const before = tf.getBackend();
    await tf.setBackend(backend);
    try {
      const model = build();
      if (weights) model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i]!, w.shape)));
      const opt = optimizer();
      const batch = inShape[0]!;
      const losses: number[] = [];
      for (let s = 0; s < steps; s++) {
        const x = tf.tensor(rand(inShape, 100 + s), inShape);
        const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 7 + s * 3) % 10), 'int32'), 10);
        const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true) as tf.Scalar;
        losses.push((await loss.data())[0]!);
        tf.dispose([x, y, loss]);
      }
      const out = await Promise.all(model.getWeights().map(async (w) => new Float32Array(await w.data())));
      opt.dispose();
      model.dispose();
      return { losses, weights: out };
    } finally {
      await tf.setBackend(before);
    }
  }

  async function sameTraining(build: () => tfl.LayersModel, inShape: Shape, optimizer: () => tf.Optimizer, steps = 4): Promise<void> {
    const init = await on('cpu', () => build().getWeights().map((w) => w.clone()));
    const cpu = await train('cpu', build, inShape, steps, optimizer, init);
    const wasm = await train('wasm', build, inShape, steps, optimizer, init);
    expect(cpu.losses.every(Number.isFinite)).toBe(true);
    expectClose([Float32Array.from(wasm.losses)], [Float32Array.from(cpu.losses)], 1e-3, 1e-4);
    expectClose(wasm.weights, cpu.weights, 1e-3, 1e-4);
    // training moved the weights
    expect(cpu.weights.some((w, i) => w.some((v, j) => v !== init[i]![j]))).toBe(true);
  }

  it('conv2d 3x3 → maxPool 2 → flatten → dense (sgd, batch 3, odd image)', async () => {
    const build = () => {
      const m = tfl.sequential();
      m.add(tfl.layers.conv2d({ inputShape: [11, 11, 1], filters: 4, kernelSize: 3, activation: 'relu' }));
      m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
      m.add(tfl.layers.flatten());
      m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
      return m;
    };
    await sameTraining(build, [3, 11, 11, 1], () => tf.train.sgd(0.1));
  });

  it('batch 1, strided same-padded conv, adam', async () => {
    const build = () => {
      const m = tfl.sequential();
      m.add(tfl.layers.conv2d({ inputShape: [9, 9, 2], filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
      m.add(tfl.layers.conv2d({ filters: 4, kernelSize: 2, activation: 'relu' }));
      m.add(tfl.layers.flatten());
      m.add(tfl.layers.dense({ units: 10 }));
      return m;
    };
    await sameTraining(build, [1, 9, 9, 2], () => tf.train.adam(0.01));
  });

  // sgd, not adam: the biases before the batch norm have a zero gradient up to rounding, which adam would scale up to full steps.
  it('zeroPadding2d, batchNormalization, concatenate, a per-pixel dense and a max pool after the norm (sgd with momentum)', async () => {
    const build = () => {
      const input = tfl.input({ shape: [8, 8, 2] });
      const a = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
      const padded = tfl.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]] }).apply(input) as tfl.SymbolicTensor;
      const b = tfl.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(padded) as tfl.SymbolicTensor;
      const c = tfl.layers.dense({ units: 3, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
      const joined = tfl.layers.concatenate().apply([a, b, c]) as tfl.SymbolicTensor;
      const norm = tfl.layers.batchNormalization().apply(joined) as tfl.SymbolicTensor;
      const pooled = tfl.layers.maxPooling2d({ poolSize: 2, padding: 'same' }).apply(norm) as tfl.SymbolicTensor;
      const flat = tfl.layers.flatten().apply(pooled) as tfl.SymbolicTensor;
      const out = tfl.layers.dense({ units: 10, activation: 'softmax' }).apply(flat) as tfl.SymbolicTensor;
      return tfl.model({ inputs: input, outputs: out });
    };
    await sameTraining(build, [5, 8, 8, 2], () => tf.train.momentum(0.05, 0.9));
  });
});
