import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { engineStatus } from '@modelspec/core';
import { jsEngine, ownKernels } from './index.js';

/** Values where kernels tend to differ: signed zeros, NaN, infinities, denormals, large and ordinary numbers. */
const edge = [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3.4e38, -3.4e38, 88.8, -88.8, 1, -1, 0.5, -0.5];
const values = new Float32Array([...edge, ...Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 20)]);

async function on(backend: string, kernel: string, x: Float32Array | Int32Array): Promise<Float32Array | Int32Array> {
  await tf.setBackend(backend);
  const t = tf.tensor(x, [x.length], x instanceof Int32Array ? 'int32' : 'float32');
  const out = tf.engine().runKernel(kernel, { x: t }) as tf.Tensor;
  const data = (await out.data()) as Float32Array | Int32Array;
  tf.dispose([t, out]);
  return data;
}

describe('example/js', () => {
  it('is available, declares its own kernels, and activates its own tfjs backend', async () => {
    expect(await engineStatus(jsEngine)).toMatchObject({ available: true, priority: -1, determinism: { class: 'bit-identical' } });
    expect(jsEngine.capabilities.kernels).toEqual(['Relu', 'Sigmoid']);
    await jsEngine.activate();
    expect(tf.getBackend()).toBe('example-js');
    // every tfjs cpu kernel is there, so training never lacks one
    const cpu = tf.getKernelsForBackend('cpu').map((k) => k.kernelName);
    expect(tf.getKernelsForBackend('example-js').map((k) => k.kernelName).sort()).toEqual(cpu.sort());
  });

  // Bit for bit, except NaN's payload, which JavaScript engines do not preserve (V8's Math.max gives another NaN than its input).
  it.each(Object.keys(ownKernels))('%s gives the values tfjs cpu gives, bit for bit', async (kernel) => {
    await jsEngine.activate();
    const ours = await on('example-js', kernel, values);
    const cpu = await on('cpu', kernel, values);
    expect(ours).toHaveLength(cpu.length);
    const differ = Array.from(ours).flatMap((v, i) => (Object.is(v, cpu[i]) ? [] : [`x=${values[i]}: ${v} vs cpu ${cpu[i]}`]));
    expect(differ).toEqual([]);
  });

  it('falls back to the cpu kernel for int32', async () => {
    await jsEngine.activate();
    const x = new Int32Array([-3, 0, 7]);
    expect(Array.from(await on('example-js', 'Relu', x))).toEqual([0, 0, 7]);
  });
});
