/**
 * Every kernel the native engine replaces, checked against tfjs-backend-cpu
 * on seeded random inputs (odd sizes, batch 1, strides, paddings, ties),
 * including the gradient kernels reached through tf.grads. Skipped, with
 * the reason, when the addon is not built.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// registers tfjs-core's gradients (and chained ops), as in the real training code
import '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAddon } from './native-addon.js';
import { nativeEngine } from './native.js';
import { nativeKernelStats } from './native-kernels.js';
import { DROPOUT_MASK_KERNEL, dropoutMaskValues, mulberry32 } from '@modelspec/core';

const load = loadAddon();
if (!load.ok) console.warn(`[native engine tests skipped] ${load.reason}. Fix: ${load.fix}`);

/** Deterministic floats in [lo, hi) (core's mulberry32). */
export function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/** Small integers: many exact ties (max pooling, comparisons, relu at 0). */
export function ints(n: number, seed: number, lo = -3, hi = 3): Float32Array {
  return rand(n, seed, lo, hi + 1).map(Math.floor);
}

let seed = 1;
/** A float32 tensor of the shape, with fresh seeded values. */
export function t(shape: number[], kind: 'rand' | 'ints' | 'pos' = 'rand'): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const s = seed++;
  const v = kind === 'ints' ? ints(n, s) : kind === 'pos' ? rand(n, s, 0.1, 2) : rand(n, s);
  return tf.tensor(v, shape, 'float32');
}

export type Outputs = { shape: number[]; dtype: string; values: Float32Array | Int32Array | Uint8Array }[];

/** Runs f on a backend (inputs built inside f are created there) and reads the outputs. */
export async function runOn(backend: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Outputs> {
  await tf.setBackend(backend);
  const outs = tf.tidy(() => {
    const r = f();
    return Array.isArray(r) ? r : [r];
  });
  const res = outs.map((o) => ({ shape: o.shape, dtype: o.dtype, values: (o.dataSync() as Float32Array).slice() }));
  tf.dispose(outs);
  return res;
}

/**
 * f is called once per backend; `makeInputs` is called first, on 'cpu', so
 * both runs see identical input values.
 */
export async function compare<I>(
  makeInputs: () => I,
  f: (inputs: I) => tf.Tensor | tf.Tensor[],
  tol: { rtol?: number; atol?: number } = {},
): Promise<void> {
  await tf.setBackend('cpu');
  const data = makeInputs();
  const clone = (i: I): I => cloneInputs(i) as I;
  const cpu = await runOn('cpu', () => f(clone(data)));
  const nat = await runOn('native', () => f(clone(data)));
  disposeInputs(data);
  expect(nat.length).toBe(cpu.length);
  cpu.forEach((c, i) => expectClose(nat[i]!, c, tol));
}

function cloneInputs(i: unknown): unknown {
  if (i instanceof tf.Tensor) return tf.tensor(i.dataSync().slice(), i.shape, i.dtype);
  if (Array.isArray(i)) return i.map(cloneInputs);
  if (i && typeof i === 'object') return Object.fromEntries(Object.entries(i).map(([k, v]) => [k, cloneInputs(v)]));
  return i;
}
function disposeInputs(i: unknown): void {
  if (i instanceof tf.Tensor) i.dispose();
  else if (Array.isArray(i)) i.forEach(disposeInputs);
  else if (i && typeof i === 'object') Object.values(i).forEach(disposeInputs);
}

export function expectClose(actual: Outputs[number], expected: Outputs[number], { rtol = 1e-4, atol = 1e-5 } = {}): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  const a = actual.values, e = expected.values;
  expect(a.length).toBe(e.length);
  let worst = -1, worstErr = 0;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!, y = e[i]!;
    if (Number.isNaN(y) ? Number.isNaN(x) : x === y) continue;
    const err = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(err <= 0) && (worst < 0 || err > worstErr)) { worst = i; worstErr = err; }
  }
  if (worst >= 0) {
    expect.fail(`element ${worst} of ${e.length}: native ${a[worst]} vs cpu ${e[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Bit patterns, for exact (determinism) comparisons. */
export function bits(o: Outputs): Uint32Array[] {
  return o.map((x) => new Uint32Array(x.values.buffer.slice(x.values.byteOffset, x.values.byteOffset + x.values.byteLength)));
}

/** Kernels that must have run natively at least once by the end of the file. */
const mustRunNatively = new Set<string>();
const expectNative = (...names: string[]) => names.forEach((n) => mustRunNatively.add(n));

describe.skipIf(!load.ok)('native kernels match tfjs cpu', () => {
  beforeAll(async () => {
    await nativeEngine.activate();
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    await tf.setBackend('cpu'); // tfjs state is global: leave cpu for whoever runs next
    const missing = [...mustRunNatively].filter((k) => !(nativeKernelStats.get(k)?.native ?? 0));
    expect(missing, 'kernels that never ran natively').toEqual([]);
  });

  const shapes = [[1], [7], [3, 5], [2, 3, 17], [40000]];
  const unaries: [string, (x: tf.Tensor) => tf.Tensor, 'rand' | 'pos' | 'ints', string][] = [
    ['relu', tf.relu, 'ints', 'Relu'], ['relu6', (x) => tf.relu6(tf.mul(x, 8)), 'rand', 'Relu6'],
    ['step', (x) => tf.step(x, 0.3), 'ints', 'Step'], ['exp', tf.exp, 'rand', 'Exp'], ['log', tf.log, 'pos', 'Log'],
    ['sqrt', tf.sqrt, 'pos', 'Sqrt'], ['rsqrt', tf.rsqrt, 'pos', 'Rsqrt'], ['square', tf.square, 'rand', 'Square'],
    ['neg', tf.neg, 'rand', 'Neg'], ['abs', tf.abs, 'rand', 'Abs'], ['sigmoid', (x) => tf.sigmoid(tf.mul(x, 5)), 'rand', 'Sigmoid'],
    ['tanh', (x) => tf.tanh(tf.mul(x, 3)), 'rand', 'Tanh'], ['reciprocal', tf.reciprocal, 'pos', 'Reciprocal'],
    ['elu', (x) => tf.elu(tf.mul(x, 3)), 'rand', 'Elu'], ['leakyRelu', (x) => tf.leakyRelu(x, 0.1), 'rand', 'LeakyRelu'],
    ['softplus', (x) => tf.softplus(tf.mul(x, 20)), 'rand', 'Softplus'], ['log1p', tf.log1p, 'pos', 'Log1p'],
    ['expm1', tf.expm1, 'rand', 'Expm1'], ['floor', (x) => tf.floor(tf.mul(x, 4)), 'rand', 'Floor'],
    ['ceil', (x) => tf.ceil(tf.mul(x, 4)), 'rand', 'Ceil'], ['sign', tf.sign, 'ints', 'Sign'],
    ['round', (x) => tf.round(tf.div(x, 2)), 'ints', 'Round'],
  ];
  for (const [name, op, kind, kernel] of unaries) {
    it(`unary ${name}`, async () => {
      expectNative(kernel);
      for (const s of shapes) await compare(() => t(s, kind), op, { rtol: 2e-6, atol: 1e-7 });
    });
  }

  const pairs: [number[], number[]][] = [
    [[3, 5], [3, 5]], [[], [4, 3]], [[4, 3], []], [[6, 7], [7]], [[9, 1], [9, 5]], [[2, 1, 4], [3, 1]],
    [[1, 3, 1, 2, 1], [2, 1, 5, 1, 3]], [[1], [1]], [[50000], [50000]], [[300, 200], [200]],
  ];
  const binaries: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, string][] = [
    ['add', tf.add, 'Add'], ['sub', tf.sub, 'Sub'], ['mul', tf.mul, 'Multiply'], ['div', tf.div, 'RealDiv'],
    ['maximum', tf.maximum, 'Maximum'], ['minimum', tf.minimum, 'Minimum'],
    ['squaredDifference', tf.squaredDifference, 'SquaredDifference'],
    ['greater', tf.greater, 'Greater'], ['greaterEqual', tf.greaterEqual, 'GreaterEqual'], ['less', tf.less, 'Less'],
    ['lessEqual', tf.lessEqual, 'LessEqual'], ['equal', tf.equal, 'Equal'], ['notEqual', tf.notEqual, 'NotEqual'],
  ];
  for (const [name, op, kernel] of binaries) {
    it(`binary ${name} with broadcasting`, async () => {
      expectNative(kernel);
      for (const [sa, sb] of pairs) await compare(() => [t(sa, 'ints'), t(sb, 'ints')], ([a, b]) => op(a!, b!), { rtol: 1e-6, atol: 0 });
      for (const [sa, sb] of pairs.slice(0, 5)) await compare(() => [t(sa), t(sb, 'pos')], ([a, b]) => op(a!, b!), { rtol: 1e-6, atol: 0 });
    });
  }

  it('binary ops keep NaN like tfjs cpu', async () => {
    const nan = () => [tf.tensor([NaN, 1, -2, NaN, 0]), tf.tensor([1, NaN, -3, NaN, -0])];
    for (const op of [tf.maximum, tf.minimum, tf.add, tf.greater, tf.equal]) await compare(nan, ([a, b]) => op(a!, b!));
    await compare(() => tf.tensor([NaN, -1, 0, 2]), (x) => [tf.relu(x), tf.step(x), tf.sqrt(x)]);
  });

  it('addN, select, clipByValue, eluGrad', async () => {
    expectNative('AddN', 'Select', 'ClipByValue', 'EluGrad');
    await compare(() => [t([4, 9]), t([4, 9]), t([4, 9]), t([4, 9])], (xs) => tf.addN(xs));
    await compare(() => [t([3, 33], 'ints'), t([3, 33]), t([3, 33])], ([c, a, b]) => tf.where(tf.greater(c!, 0), a!, b!));
    await compare(() => t([5, 11]), (x) => tf.clipByValue(x, -0.3, 0.45));
    await compare(() => t([6, 7]), (x) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.elu(v), tf.reshape(tf.range(0, 42), [6, 7]))))(x));
  });

  describe('reductions', () => {
    const cases: [number[], number | number[] | undefined, boolean][] = [
      [[7], undefined, false], [[3, 5], 1, false], [[3, 5], 0, true], [[4, 6, 5], [1, 2], false], [[4, 6, 5], [0, 1], true],
      [[2, 3, 4, 5], 2, false], [[2, 3, 4, 5], [0, 2], false] /* not adjacent: cpu fallback */, [[1, 1], undefined, true],
      [[150000], 0, false] /* several fixed blocks */, [[70000, 3], 0, false], [[3, 70000], 1, false], [[32, 26, 26, 32], [0, 1, 2], false],
    ];
    for (const [name, op, kernel] of [
      ['sum', tf.sum, 'Sum'], ['max', tf.max, 'Max'], ['min', tf.min, 'Min'], ['mean', tf.mean, 'Mean'],
    ] as const) {
      it(name, async () => {
        expectNative(kernel);
        for (const [shape, axis, keep] of cases) {
          await compare(() => t(shape), (x) => op(x, axis, keep), { rtol: 1e-5, atol: 1e-5 });
        }
      });
    }
    it('max with NaN and -Infinity', async () => {
      await compare(() => tf.tensor([[1, NaN, 3], [-Infinity, -Infinity, -Infinity], [2, 5, NaN]]), (x) => [tf.max(x, 1), tf.min(x, 0), tf.max(x)]);
    });
  });

  it('softmax and its gradient', async () => {
    expectNative('Softmax');
    for (const s of [[1, 1], [7, 13], [2, 3, 10], [64, 10]]) {
      await compare(() => t(s), (x) => tf.softmax(tf.mul(x, 6)), { rtol: 1e-5, atol: 1e-7 });
      await compare(() => [t(s), t(s)], ([x, w]) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.softmax(v), w!)))(x!), { rtol: 1e-4, atol: 1e-6 });
    }
  });

  it('batch normalization (FusedBatchNorm) and its gradients', async () => {
    expectNative('FusedBatchNorm');
    // per-channel parameters, one-value parameters, no offset / scale, rank 1 to 4
    const cases: [number[], number[] | null, number[] | null, number[] | null, number[] | null][] = [
      [[2, 5, 5, 31], [31], [31], [31], [31]], [[7, 3], [3], [3], null, null], [[4, 6], [1], [6], [6], [1]],
      [[2, 3, 4, 9], [1, 1, 1, 9], [1, 1, 1, 9], [1, 1, 1, 9], [1, 1, 1, 9]], [[5], [5], [5], [5], [5]], [[3, 1], [1], [1], [1], [1]],
    ];
    for (const [xs, ms, vs, os, ss] of cases) {
      const mk = () => [t(xs), t(ms!), t(vs!, 'pos'), os ? t(os) : null, ss ? t(ss) : null] as const;
      await compare(mk, ([x, m, v, o, s]) => tf.batchNorm(x, m!, v!, o ?? undefined, s ?? undefined, 1e-3), { rtol: 1e-5, atol: 1e-6 });
      // tfjs's gradient needs every parameter in one rank-1 shape
      if (os && ss && ms!.length === 1 && [vs, os, ss].every((p) => p!.join() === ms!.join())) {
        await compare(mk, ([x, m, v, o, s]) => {
          const w = tf.tensor(rand(x.size, 7), x.shape);
          return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor, e: tf.Tensor) =>
            tf.sum(tf.mul(tf.batchNorm(a, b, c, d, e, 0.01), w)))([x, m!, v!, o!, s!]);
        }, { rtol: 1e-4, atol: 1e-5 });
      }
    }
  });

  it('dropout masks: bit for bit core\'s dropoutMaskValues', async () => {
    await tf.setBackend('native');
    for (const [shape, rate, seed] of [[[7], 0.5, 1], [[32, 28, 28, 31], 0.5, 12345], [[3, 100000], 0.1, -7], [[1000], 0, 3], [[70000], 0.999, 2 ** 31 + 5]] as [number[], number, number][]) {
      const got = (tf.engine().runKernel(DROPOUT_MASK_KERNEL, {}, { shape, rate, seed } as never) as tf.Tensor);
      expect(got.shape).toEqual(shape);
      expect(Buffer.from((got.dataSync() as Float32Array).buffer).equals(Buffer.from(dropoutMaskValues(got.size, rate, seed).buffer))).toBe(true);
      got.dispose();
    }
  });

  describe('matmul', () => {
    const mm: [number[], number[], boolean, boolean][] = [
      [[5, 7], [7, 3], false, false], [[7, 5], [7, 3], true, false], [[5, 7], [3, 7], false, true], [[7, 5], [3, 7], true, true],
      [[1, 1], [1, 1], false, false], [[4, 5, 7], [4, 7, 3], false, false], [[1, 5, 7], [3, 7, 2], false, false],
      [[3, 5, 7], [7, 2], false, false], [[2, 3, 9, 4], [2, 3, 9, 6], true, false], [[33, 129], [129, 65], false, false],
      [[300, 200], [170, 200], false, true], [[1, 784], [784, 512], false, false], [[0, 4], [4, 3], false, false],
    ];
    it('BatchMatMul with transposes, batches and broadcast batch', async () => {
      expectNative('BatchMatMul');
      for (const [sa, sb, ta, tb] of mm) await compare(() => [t(sa), t(sb)], ([a, b]) => tf.matMul(a!, b!, ta, tb), { rtol: 1e-4, atol: 1e-4 });
    });
    it('gradients through matMul', async () => {
      // tfjs's own BatchMatMul gradient rejects broadcast batches, so those are left out
      for (const [sa, sb, ta, tb] of mm.filter(([a, b]) => a.length === b.length && a.slice(0, -2).join() === b.slice(0, -2).join())) {
        await compare(() => [t(sa), t(sb)], ([a, b]) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))([a!, b!]), { rtol: 1e-4, atol: 1e-4 });
      }
    });
    it('fused matMul: bias shapes and activations, and its gradient', async () => {
      expectNative('_FusedMatMul');
      for (const activation of ['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu', 'prelu'] as const) {
        for (const biasShape of [[3], [5, 3], [1]]) {
          await compare(
            () => [t([5, 7]), t([7, 3]), t(biasShape), t([3])],
            ([a, b, bias, alpha]) => tf.fused.matMul({ a: a!, b: b!, bias: bias!, activation, preluActivationWeights: activation === 'prelu' ? alpha! : undefined, leakyreluAlpha: 0.15 }),
            { rtol: 1e-4, atol: 1e-5 },
          );
        }
        await compare(() => [t([6, 4]), t([5, 4]), t([5])], ([a, b, bias]) =>
          tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias: z, transposeB: true, activation: activation === 'prelu' ? 'relu' : activation })))([a!, b!, bias!]),
          { rtol: 1e-4, atol: 1e-5 });
      }
    });
  });

  describe('conv2d', () => {
    type C = { x: number[]; f: number[]; s: number | [number, number]; p: 'valid' | 'same' | number; d?: number };
    const convs: C[] = [
      { x: [2, 9, 9, 1], f: [3, 3, 1, 32], s: 1, p: 'valid' }, // direct path
      { x: [1, 8, 7, 1], f: [3, 3, 1, 7], s: 2, p: 'same' },
      { x: [3, 10, 9, 1], f: [3, 2, 1, 20], s: [2, 1], p: 1 },
      { x: [1, 11, 11, 1], f: [3, 3, 1, 33], s: 1, p: 'same', d: 2 },
      { x: [2, 28, 28, 1], f: [3, 3, 1, 32], s: 1, p: 'valid' }, // register blocks of 8 pixels + tail
      { x: [1, 20, 21, 1], f: [3, 3, 1, 48], s: 1, p: 'same' }, // 32 + 16 channels, padded borders
      { x: [2, 17, 37, 1], f: [2, 3, 1, 40], s: 2, p: 'valid' }, // 32 + 8 leftover channels
      { x: [1, 19, 30, 1], f: [3, 3, 1, 16], s: 1, p: 'same', d: 2 },
      { x: [2, 10, 31, 1], f: [3, 3, 1, 29], s: 1, p: 'same' }, // AVX2: 16 + 8 + 5 channels, 6-pixel blocks + tails
      { x: [1, 14, 12, 2], f: [2, 2, 2, 13], s: [1, 2], p: 'same', d: 1 }, // 2 input channels, 8 + 5 channels
      { x: [2, 9, 8, 5], f: [3, 3, 5, 16], s: 1, p: 'same' }, // GEMM path
      { x: [1, 12, 12, 3], f: [5, 5, 3, 6], s: 2, p: 'valid' },
      { x: [11, 10, 10, 3], f: [3, 3, 3, 4], s: 1, p: 'valid' }, // input gradient: 8 images per GEMM, then 3
      { x: [2, 6, 6, 4], f: [1, 1, 4, 9], s: 1, p: 'valid' }, // pointwise
      { x: [1, 7, 7, 2], f: [2, 2, 2, 3], s: 3, p: 'same' },
      { x: [1, 9, 9, 6], f: [3, 3, 6, 8], s: 1, p: 'valid', d: 2 },
    ];
    const name = (c: C) => `x${c.x} f${c.f} s${c.s} ${c.p}${c.d ? ` d${c.d}` : ''}`;
    for (const c of convs) {
      it(`forward and gradients, ${name(c)}`, async () => {
        expectNative('Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter');
        const dil = c.d ?? 1;
        const conv = (x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.s, c.p, 'NHWC', dil);
        await compare(() => [t(c.x), t(c.f)], ([x, f]) => conv(x!, f!), { rtol: 1e-4, atol: 1e-4 });
        if (dil === 1) {
          await compare(() => [t(c.x), t(c.f)], ([x, f]) => {
            const out = conv(x!, f!);
            const w = tf.tensor(rand(out.size, 99), out.shape);
            return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), w)))([x!, f!]);
          }, { rtol: 1e-4, atol: 1e-4 });
        }
      });
    }
    // tfjs-core's conv2d_transpose_test 'input=8x8x8,output=4x4x8,f=8,s=1,inDepth=8,p=same vec4': dy is
    // 8x8 where stride 1, 'same' padding and a 4x4 input give a 4x4 forward output; cpu reads dy's top-left
    // 4x4 with dy's own strides. Small integers, so every sum is exact.
    it('gradients with a dy larger than the forward output the shapes imply', async () => {
      const tfjsData = (n: number) => Float32Array.from({ length: n }, (_, i) => i % 5);
      await compare(() => [tf.tensor(tfjsData(512), [1, 8, 8, 8]), tf.tensor(tfjsData(4096), [8, 8, 8, 8])],
        ([x, w]) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [1, 4, 4, 8], 1, 'same'), { rtol: 0, atol: 0 });
      await compare(() => [t([2, 9, 7, 3], 'ints'), t([3, 3, 5, 3], 'ints')],
        ([dy, w]) => tf.conv2dTranspose(dy as tf.Tensor4D, w as tf.Tensor4D, [2, 5, 4, 5], [2, 1], 'same'), { rtol: 0, atol: 0 });
      await compare(() => [t([2, 5, 4, 3], 'ints'), t([2, 9, 7, 4], 'ints')], ([x, dy]) =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: x!, dy: dy! }, { strides: [2, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] } as never) as tf.Tensor,
      { rtol: 0, atol: 0 });
    });
    it('fused conv2d with bias and activation, and its gradient', async () => {
      expectNative('FusedConv2D');
      for (const activation of ['linear', 'relu', 'elu', 'leakyrelu'] as const) {
        await compare(() => [t([2, 8, 8, 1]), t([3, 3, 1, 16]), t([16])], ([x, f, b]) =>
          tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation, leakyreluAlpha: 0.2 }), { rtol: 1e-4, atol: 1e-5 });
      }
      await compare(() => [t([2, 8, 8, 3]), t([3, 3, 3, 4]), t([4])], ([x, f, b]) =>
        tf.grads((a: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => tf.sum(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'valid', bias: c, activation: 'relu' })))([x!, f!, b!]),
        { rtol: 1e-4, atol: 1e-4 });
    });
  });

  describe('pooling', () => {
    const pools: [number[], number | [number, number], number | [number, number], 'valid' | 'same'][] = [
      [[2, 8, 8, 32], 2, 2, 'valid'], [[1, 7, 7, 3], 3, 2, 'same'], [[3, 9, 6, 17], [2, 3], 1, 'valid'],
      [[1, 5, 5, 16], 3, 1, 'same'], [[2, 26, 26, 32], 2, 2, 'valid'], [[1, 6, 7, 2], 2, [1, 2], 'same'],
      [[2, 6, 8, 24], 2, 2, 'valid'], [[1, 9, 9, 43], 3, 3, 'valid'], [[1, 7, 7, 40], 2, 2, 'same'], // AVX2: 8-channel blocks, 32 + 8 + 3
    ];
    for (const [shape, size, stride, pad] of pools) {
      it(`max and avg pooling with gradients, x${shape} f${size} s${stride} ${pad}`, async () => {
        expectNative('MaxPool', 'MaxPoolGrad', 'AvgPool', 'AvgPoolGrad');
        for (const kind of ['ints', 'rand'] as const) { // ints: ties in the windows
          await compare(() => t(shape, kind), (x) => [tf.maxPool(x as tf.Tensor4D, size, stride, pad), tf.avgPool(x as tf.Tensor4D, size, stride, pad)], { rtol: 1e-5, atol: 1e-6 });
          await compare(() => [t(shape, kind), t(shape)], ([x]) => {
            const y = tf.maxPool(x as tf.Tensor4D, size, stride, pad);
            const w = tf.tensor(rand(y.size, 5), y.shape);
            return [
              tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, size, stride, pad), w)))(x!),
              tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(v as tf.Tensor4D, size, stride, pad), w)))(x!),
            ];
          }, { rtol: 1e-5, atol: 1e-6 });
        }
      });
    }
  });

  // tfjs-core's pool_test '* x=[2,2,3] f=[1,1] s=2 p=1 fractional outputs default rounding': a 1x1 window
  // whose output shape equals the input's, where tfjs cpu returns the input (its identity shortcut) although
  // the padding (1, as large as the window) would put the first window wholly outside the image.
  it('max and avg pooling of a 1x1 window whose output has the input shape, with padding as large as the window', async () => {
    for (const kind of ['max', 'avg'] as const) {
      await compare(() => t([2, 2, 3]), (x) => tf.pool(x as tf.Tensor3D, 1, kind, 1, undefined, 2), { rtol: 0, atol: 0 });
      await compare(() => t([2, 3, 3, 5]), (x) => tf.pool(x as tf.Tensor4D, [1, 1], kind, 1, undefined, [2, 2]), { rtol: 0, atol: 0 });
      await compare(() => t([2, 3, 3, 5]), (x) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.pool(v as tf.Tensor4D, [1, 1], kind, 1, undefined, [2, 2]), tf.reshape(tf.range(1, 91), [2, 3, 3, 5]))))(x), { rtol: 0, atol: 0 });
    }
  });

  it('gather and its gradient (unsortedSegmentSum)', async () => {
    expectNative('GatherV2', 'UnsortedSegmentSum');
    const idx = () => tf.tensor([3, 0, 3, 2, 1, 3], [6], 'int32');
    await compare(() => [t([5, 4]), idx()], ([x, i]) => [tf.gather(x!, i!), tf.gather(x!, tf.tensor([[1, 0], [3, 3]], [2, 2], 'int32'), 1)]);
    await compare(() => [t([4, 3, 5]), idx()], ([x, i]) => [
      tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.gather(v, i!), tf.reshape(tf.range(0, 90), [6, 3, 5]))))(x!),
      tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.gather(v, tf.tensor([2, 2, 0], [3], 'int32'), 1))))(x!),
      tf.unsortedSegmentSum(tf.reshape(tf.range(0, 12), [6, 2]), tf.tensor([2, -1, 0, 2, 5, 1], [6], 'int32'), 4),
    ]);
  });
  it('slice, split, tile, transpose, pad and concat (float32 and int32) and their gradients', async () => {
    expectNative('Slice', 'SplitV', 'Tile', 'Transpose', 'PadV2', 'Concat');
    const ti = (shape: number[]) => tf.cast(t(shape, 'ints'), 'int32');
    for (const mk of [t, ti]) {
      await compare(() => [mk([4, 5, 6]), mk([3, 7]), mk([2, 1, 3, 4])], ([x, m, z]) => [
        tf.slice(x!, [1, 2, 3], [2, 3, 2]), tf.slice(x!, [0, 0, 5], [4, 5, 1]), tf.slice(m!, [0, 1], [3, -1]),
        tf.slice(x!, [1, 0, 0], [2, 5, 6]), // contiguous: the cpu kernel's subarray
        tf.tile(x!, [2, 1, 3]), tf.tile(m!, [1, 1]), tf.tile(z!, [3, 2, 1, 2]),
        tf.transpose(x!, [2, 0, 1]), tf.transpose(m!), tf.transpose(z!, [0, 3, 1, 2]), tf.transpose(z!, [3, 2, 1, 0]),
        tf.pad(x!, [[0, 1], [2, 0], [1, 1]], 0), tf.pad(m!, [[1, 2], [0, 0]], 7), tf.pad(z!, [[0, 0], [1, 1], [1, 1], [0, 0]]),
        tf.concat([x!, tf.slice(x!, [0, 0, 0], [4, 5, 2])], 2), tf.concat([m!, m!, m!], 0), tf.concat([z!, z!], 1),
        tf.concat([tf.reshape(m!, [3, 7, 1]), tf.zeros([3, 7, 0], m!.dtype), tf.reshape(m!, [3, 7, 1])], -1),
        ...tf.split(x!, [1, 3, 2], 2), ...tf.split(x!, 2, 0), ...tf.split(m!, [2, -1], 1), ...tf.split(z!, [1, 0, 3], 3),
      ], { rtol: 0, atol: 0 });
    }
    // experiment E's per-pixel graph: concat on the channel axis, batch norm, and their gradients (Slice, Tile)
    await compare(() => [t([3, 6, 6, 1]), t([3, 6, 6, 5]), t([3, 6, 6, 6]), t([6]), t([6], 'pos')], ([a, b, w, beta, gamma]) => tf.grads((p: tf.Tensor, q: tf.Tensor) => {
      const j = tf.concat([p, q], 3);
      const { mean, variance } = tf.moments(j, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(j, mean, variance, beta!, gamma!, 1e-3), w!));
    })([a!, b!]), { rtol: 1e-4, atol: 1e-5 });
    await compare(() => [t([2, 3, 4])], ([x]) => [
      tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.pad(v, [[1, 0], [0, 2], [1, 1]], 3))))(x!),
      tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.tile(v, [2, 1, 2]), tf.reshape(tf.range(0, 96), [4, 3, 8]))))(x!),
      tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.transpose(v, [1, 2, 0]), tf.reshape(tf.range(0, 24), [3, 4, 2]))))(x!),
    ], { rtol: 1e-5, atol: 1e-6 });
  });
});
