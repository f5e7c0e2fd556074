/**
 * The kit must catch a broken engine: this one is tfjs cpu with one gradient
 * kernel (Conv2DBackpropFilter, the weight gradient of every conv layer)
 * returning wrong values, and it claims that kernel as its own.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { defineEngine } from '@modelspec/core';
import { engineChecks, runChecks } from '@modelspec/conformance';
import { describe, expect, it } from 'vitest';

const BACKEND = 'broken-cpu';

/** A tenth too much in every seventh element: the kind of slip an index bug makes. */
const wrong =
  (f: KernelFunc): KernelFunc =>
  (args) => {
    const out = f(args) as TensorInfo;
    const values = (args.backend as MathBackendCPU).data.get(out.dataId).values as Float32Array;
    for (let i = 0; i < values.length; i += 7) values[i]! *= 1.1;
    return out;
  };

const brokenEngine = defineEngine({
  type: 'broken',
  description: 'tfjs cpu with a wrong Conv2DBackpropFilter (a test of the conformance kit)',
  priority: 0,
  environments: ['node'],
  tfjsBackend: BACKEND,
  capabilities: { kernels: ['Conv2DBackpropFilter'], missingTrainingKernels: [], dtypes: ['float32', 'int32', 'bool'], determinism: { class: 'bit-identical' } },
  probe: async () => ({ available: true }),
  async activate() {
    if (!tf.findBackendFactory(BACKEND)) {
      tf.registerBackend(BACKEND, () => new MathBackendCPU(), 0);
      for (const k of tf.getKernelsForBackend('cpu')) {
        tf.registerKernel({ ...k, backendName: BACKEND, kernelFunc: k.kernelName === 'Conv2DBackpropFilter' ? wrong(k.kernelFunc) : k.kernelFunc });
      }
    }
    await tf.setBackend(BACKEND);
  },
});

describe('the conformance kit on a broken engine', () => {
  it('fails, naming the kernel', async () => {
    const results = await runChecks(engineChecks({ engine: brokenEngine }));
    const failed = results.filter((r) => r.status === 'failed');
    const message = (group: string) => failed.find((r) => r.group === group)?.message;
    // the kernel itself, the training it feeds, and tfjs-core's own gradient specs
    expect(failed.map((r) => `${r.group} › ${r.name}`)).toMatchInlineSnapshot(`
      [
        "kernel parity › Conv2DBackpropFilter",
        "training › cnn losses match tfjs cpu",
        "tfjs-core's own tests › on backend "broken-cpu" with 0 declared exclusions",
      ]
    `);
    expect(message('kernel parity')).toMatchInlineSnapshot(`
      "kernel Conv2DBackpropFilter differs from tfjs cpu on broken in 6 of 6 cases:
        x [2,9,9,3], dy [2,9,9,4]; strides 1, pad "same", dataFormat "NHWC", filterShape [3,3,3,4]: output 0 [3,3,3,4] element 7 is -5.332453 on broken, -4.847684 on cpu (difference 0.4847684; 16 of 108 elements outside rtol 0.0001, atol 0.00001 × the largest value)
        x [2,9,9,3], dy [2,4,4,4]; strides 2, pad "valid", dataFormat "NHWC", filterShape [3,3,3,4]: output 0 [3,3,3,4] element 42 is 4.976740 on broken, 4.524309 on cpu (difference 0.4524307; 16 of 108 elements outside rtol 0.0001, atol 0.00001 × the largest value)
        x [1,10,7,3], dy [1,10,7,5]; strides 1, pad "valid", dataFormat "NHWC", filterShape [1,1,3,5]: output 0 [1,1,3,5] element 14 is -8.662493 on broken, -7.874994 on cpu (difference 0.7874990; 3 of 15 elements outside rtol 0.0001, atol 0.00001 × the largest value)
        x [3,11,11,2], dy [3,6,6,6]; strides 2, pad "same", dataFormat "NHWC", filterShape [5,5,2,6]: output 0 [5,5,2,6] element 7 is 7.530078 on broken, 6.845526 on cpu (difference 0.6845527; 43 of 300 elements outside rtol 0.0001, atol 0.00001 × the largest value)
        x [1,28,28,1], dy [1,26,26,8]; strides 1, pad "valid", dataFormat "NHWC", filterShape [3,3,1,8]: output 0 [3,3,1,8] element 56 is -15.29524 on broken, -13.90477 on cpu (difference 1.390477; 11 of 72 elements outside rtol 0.0001, atol 0.00001 × the largest value)
        … and 1 more"
    `);
    expect(message('training')).toMatchInlineSnapshot(`"training cnn on broken: the running loss after batch 2 is 2.278883, 2.278949 on cpu (relative difference 2.91e-5, tolerance 0.00001)"`);
    expect(message("tfjs-core's own tests")).toMatchInlineSnapshot(`
      "tfjs-core's own tests on broken: 12 of 4225 specs failed:
        conv1d › gradient with clones, input=2x2x1,d2=1,f=1,s=1,d=1,p=same: Error: Arrays differ: actual[0] = 11, expected[0] = 10.
        conv1d › conv1d gradients input=14x1,d2=1,f=3x1x1,s=1,p=valid: Error: Arrays differ: actual[0] = 112.19999694824219, expected[0] = 102.
        conv2d › gradient with clones input=[3,3,1] f=[2,2,1,1] s=1 p=0: Error: Arrays differ: actual[0] = 14.300000190734863, expected[0] = 13.
        conv2d › gradient x=[2,3,3,1] f=[2,2,1,1] s=1 p=0: Error: Arrays differ: actual[0] = 28.600000381469727, expected[0] = 26.
        conv2d › gradient x=[1,1,3,3] f=[2,2,1,1] s=1 p=0 NCHW: Error: Arrays differ: actual[0] = 14.300000190734863, expected[0] = 13.
        conv2d › gradient x=[2,1,3,3] f=[2,2,1,1] s=1 p=0 NCHW: Error: Arrays differ: actual[0] = 28.600000381469727, expected[0] = 26.
        conv2dTranspose › gradient with clones input=[1,3,3,1] f=[2,2,2,1] s=1 padding=valid: Error: Arrays differ: actual[0] = -6.272228717803955, expected[0] = -5.702025890350342.
        conv2dTranspose › gradient input=[1,2,2,1] f=[2,2,2,1] s=[2,2] padding=valid: Error: Arrays differ: actual[0] = -0.01589079760015011, expected[0] = -0.014446180313825607.
        conv2dTranspose › gradient input=[1,3,3,1] f=[2,2,2,1] s=[1,1] padding=same: Error: Arrays differ: actual[0] = 2.6268746852874756, expected[0] = 2.38806788.
        conv2dTranspose › gradient input=[1,3,3,1] f=[2,2,2,1] s=[1,1] p=explicit: Error: Arrays differ: actual[0] = 2.6268746852874756, expected[0] = 2.38806788.
        conv2dTranspose › gradient input=[1,2,2,2] f=[2,2,2,1] s=[2,2] padding=same: Error: Arrays differ: actual[0] = -1.102246880531311, expected[0] = -1.00204261.
        fused conv2d › gradient x=[2,3,3,1] f=[2,2,1,1] s=1 p=0: Error: Arrays differ: actual[0] = 28.600000381469727, expected[0] = 26."
    `);
  });
});
