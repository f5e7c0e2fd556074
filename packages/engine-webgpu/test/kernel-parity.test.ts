/**
 * Every kernel the conformance kit can feed, on webgpu against tfjs cpu,
 * reading results asynchronously (Dawn in Node has no synchronous read, so
 * the kit's own kernel checks, which use dataSync, cannot run here).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { kernelCases } from '@modelspec/conformance';
import { nodeWebgpuEngine } from '@modelspec/engine-webgpu/node';
import { describe, expect, it } from 'vitest';
import { kernelProblems } from './parity.js';

const probe = await nodeWebgpuEngine.probe();
const TOL = { rtol: 1e-4, atol: 1e-5 };
/** Cases where the reference, not webgpu, is wrong. */
const KNOWN: Record<string, string[]> = {
  // tfjs cpu's Select with a rank-1 condition copies t[i] (the row index) into every element of row i; tf.where never sends such a call
  Select: ['case 1 output 0 [3,5]'],
};

describe.skipIf(!probe.available)(`webgpu kernels vs cpu (${probe.available ? probe.detail : ''})`, () => {
  it('activates', async () => {
    await nodeWebgpuEngine.activate();
    expect(tf.getBackend()).toBe('webgpu');
  });
  for (const kernel of Object.keys(kernelCases)) {
    it(kernel, async () => {
      const problems = await kernelProblems(kernel, TOL);
      expect(problems.filter((p) => !(KNOWN[kernel] ?? []).some((k) => p.startsWith(k)))).toEqual([]);
    });
  }
});
