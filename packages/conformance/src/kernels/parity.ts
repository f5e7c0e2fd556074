/**
 * Each kernel an engine claims, run through `tf.engine().runKernel` on the
 * engine's backend and on tfjs cpu with the same inputs, output by output.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { DROPOUT_MASK_KERNEL, dropoutMaskValues } from '@modelspec/core';
import { fmt, worstMismatch, type Tolerance } from '../compare.js';
import { describeCase, kernelCases, makeGen, type KernelCase, type TensorValues } from './cases.js';

function tensorsOf(c: KernelCase): { inputs: tf.NamedTensorMap | tf.Tensor[]; made: tf.Tensor[] } {
  const made: tf.Tensor[] = [];
  const make = (v: TensorValues) => {
    const t = tf.tensor(v.values, v.shape, v.dtype);
    made.push(t);
    return t;
  };
  const inputs = Array.isArray(c.inputs) ? c.inputs.map(make) : Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, make(v)]));
  return { inputs, made };
}

/** Runs a kernel on the current backend; `read` takes its outputs. */
function runKernelHere<R>(kernel: string, c: KernelCase, read: (outs: tf.Tensor[]) => R): R {
  const { inputs, made } = tensorsOf(c);
  try {
    const out = tf.engine().runKernel(kernel, inputs as tf.NamedTensorMap, c.attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
    return read(Array.isArray(out) ? out : [out]);
  } finally {
    tf.dispose(made);
  }
}

const valuesOf = (o: tf.Tensor, values: TensorValues['values']): TensorValues => ({ shape: o.shape.slice(), dtype: o.dtype as TensorValues['dtype'], values });

/** On tfjs cpu (current), synchronously: the derived inputs of a case (a pool's output for its gradient). */
function runOnCpuSync(kernel: string, c: KernelCase): TensorValues[] {
  return runKernelHere(kernel, c, (outs) => {
    const r = outs.map((o) => valuesOf(o, o.dataSync() as TensorValues['values']));
    tf.dispose(outs);
    return r;
  });
}

/** On a backend, read asynchronously (some backends, webgpu in Node, cannot read synchronously). */
async function runKernelOn(backend: string, kernel: string, c: KernelCase): Promise<TensorValues[]> {
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`tfjs could not switch to backend "${backend}"`);
  const outs = runKernelHere(kernel, c, (o) => o);
  try {
    return await Promise.all(outs.map(async (o) => valuesOf(o, (await o.data()) as TensorValues['values'])));
  } finally {
    tf.dispose(outs);
  }
}

/** What is wrong with one output, or null. */
function outputProblem(i: number, actual: TensorValues, expected: TensorValues, tol: Tolerance, engine: string): string | null {
  if (!tf.util.arraysEqual(actual.shape, expected.shape)) return `output ${i} has shape [${actual.shape}] on ${engine}, [${expected.shape}] on cpu`;
  if (actual.dtype !== expected.dtype) return `output ${i} is ${actual.dtype} on ${engine}, ${expected.dtype} on cpu`;
  const exact = expected.dtype !== 'float32';
  const m = worstMismatch(actual.values, expected.values, exact ? { rtol: 0, atol: 0 } : tol);
  if (!m) return null;
  return (
    `output ${i} [${expected.shape}] element ${m.index} is ${fmt(m.actual)} on ${engine}, ${fmt(m.expected)} on cpu ` +
    `(difference ${fmt(m.difference)}; ${m.count} of ${expected.values.length} elements outside ${exact ? 'exact equality' : `rtol ${tol.rtol}, atol ${tol.atol} × the largest value`})`
  );
}

/**
 * Checks one kernel on `backend` against tfjs cpu over the kit's cases.
 * Throws an Error naming the kernel, the case and the largest difference.
 */
export async function checkKernelParity(kernel: string, backend: string, engine: string, tol: Tolerance): Promise<void> {
  if (!tf.getKernel(kernel, backend)) throw new Error(`kernel ${kernel}: ${engine} claims it, but tfjs backend "${backend}" has no such kernel registered`);
  if (kernel === DROPOUT_MASK_KERNEL) return checkDropoutMask(backend, engine);
  const build = kernelCases[kernel];
  if (!build) throw new Error(`kernel ${kernel}: the kit has no inputs for it`);
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not switch to the cpu backend');
  const cases = build(makeGen(kernel, (k, inputs, attrs) => runOnCpuSync(k, { inputs, attrs })));
  const problems: string[] = [];
  try {
    for (const c of cases) {
      const expected = await runKernelOn('cpu', kernel, c);
      let actual: TensorValues[];
      try {
        actual = await runKernelOn(backend, kernel, c);
      } catch (e) {
        problems.push(`${describeCase(c)}: threw ${(e as Error).message.split('\n')[0]}`);
        continue;
      }
      if (actual.length !== expected.length) {
        problems.push(`${describeCase(c)}: ${actual.length} outputs on ${engine}, ${expected.length} on cpu`);
        continue;
      }
      const p = expected.map((e, i) => outputProblem(i, actual[i]!, e, tol, engine)).find((x) => x);
      if (p) problems.push(`${describeCase(c)}: ${p}`);
    }
  } finally {
    await tf.setBackend(backend);
  }
  if (problems.length) {
    throw new Error(`kernel ${kernel} differs from tfjs cpu on ${engine} in ${problems.length} of ${cases.length} cases:\n  ${problems.slice(0, 5).join('\n  ')}${problems.length > 5 ? `\n  … and ${problems.length - 5} more` : ''}`);
  }
}

/** The dropout-mask kernel must give exactly `dropoutMaskValues` (a seed gives the same masks on every engine). */
async function checkDropoutMask(backend: string, engine: string): Promise<void> {
  await tf.setBackend(backend);
  for (const [shape, rate, seed] of [[[1000], 0.2, 1], [[3, 5, 7], 0.5, 12345], [[64, 129], 0.25, 0x7fffffff]] as [number[], number, number][]) {
    const t = tf.engine().runKernel(DROPOUT_MASK_KERNEL, {}, { shape, rate, seed } as never) as tf.Tensor;
    const got = (await t.data()) as Float32Array;
    t.dispose();
    const want = dropoutMaskValues(shape.reduce((a, b) => a * b, 1), rate, seed);
    const i = want.findIndex((v, j) => v !== got[j]);
    if (i >= 0 || got.length !== want.length) {
      throw new Error(`kernel ${DROPOUT_MASK_KERNEL} (shape [${shape}], rate ${rate}, seed ${seed}): element ${i} is ${got[i]} on ${engine}, ${want[i]} from dropoutMaskValues`);
    }
  }
}

/** Whether the kit can check a kernel (it has inputs for it, or it is modelspec's dropout-mask kernel). */
export const canCheckKernel = (kernel: string): boolean => kernel === DROPOUT_MASK_KERNEL || kernel in kernelCases;
