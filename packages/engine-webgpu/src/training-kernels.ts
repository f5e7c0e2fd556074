/**
 * Training kernels for tfjs-backend-webgpu (4.22), measured against tfjs cpu
 * with the conformance kit's kernel cases (test/kernel-parity.test.ts).
 *
 * - MaxPoolGrad is wrong on ties: its positions shader keeps the *last*
 *   maximum of a window (`value >= max`), cpu (and TensorFlow) the first,
 *   so the gradient goes to another element wherever a window holds equal
 *   maxima (after a ReLU, quantized pixels, padding). Replaced: the same two
 *   passes with a positions shader that keeps the first maximum.
 * - Softmax reads `logits.shape[dim]` without normalizing a negative `dim`:
 *   a direct call with dim -1 (tfjs's own default) throws. Wrapped: dim
 *   taken modulo the rank. (tf.softmax normalizes before calling the kernel,
 *   so layers were not affected; other callers of the kernel are.)
 * Every other kernel the kit can feed (Select's rank-1 condition aside: tfjs
 * cpu itself repeats t[i] there, so the kit's reference is wrong) (matrix products, convolutions and
 * their gradients, pooling, reductions, elementwise ops and their
 * gradients, slicing and concatenation) matches cpu within rtol 1e-4.
 *
 * Environment-free. Importing this module changes nothing;
 * `registerWebgpuTrainingKernels` does, once (idempotent).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

export type WebgpuTrainingTf = Pick<typeof tfc, 'getKernel' | 'registerKernel' | 'unregisterKernel' | 'backend_util'>;

/** Kernels webgpu lacks that training could need: none for modelspec's layers (it lacks sparse, ragged, string and Unique kernels only). */
export const WEBGPU_MISSING_TRAINING_KERNELS: readonly string[] = [];
export const WEBGPU_ADDED_KERNELS: readonly string[] = [];
export const WEBGPU_REPLACED_KERNELS: readonly string[] = ['MaxPoolGrad', 'Softmax'];

const MARK = Symbol.for('@modelspec/engine-webgpu:training-kernel');
const isOurs = (k: KernelConfig | undefined) => !!k && (k.kernelFunc as unknown as Record<symbol, unknown>)[MARK] === true;
function mark<F extends KernelFunc>(f: F): F {
  Object.defineProperty(f, MARK, { value: true });
  return f;
}

/** What of tfjs-backend-webgpu's WebGPUBackend these kernels use. */
interface WebgpuBackend {
  runWebGPUProgram(program: object, inputs: TensorInfo[], outputDtype: string, uniforms?: { type: string; data: number[] }[]): TensorInfo;
  disposeData(dataId: object): boolean;
}

const WORKGROUP = 128;

/** MaxPool's argmax per window, first maximum first (as cpu): the same layout as webgpu's own Pool2DProgram with positions. */
function firstMaxPositionsProgram(outShape: number[]) {
  const size = outShape.reduce((a, b) => a * b, 1);
  return {
    variableNames: ['x'],
    uniforms: 'strides : vec2<i32>, pads : vec2<i32>, dilations : vec2<i32>, convDims : vec2<i32>, filterDims : vec2<i32>,',
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    outputShape: outShape,
    dispatchLayout: { x: outShape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WORKGROUP), 1, 1],
    shaderKey: 'modelspec_pool2D_max_first_positions',
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          let batch = coords[0];
          let d = coords[3];
          let corner = vec2<i32>(coords.yz) * uniforms.strides - uniforms.pads;
          var maxValue = 0.0;
          var found = false;
          var maxPosition = 0;
          for (var wR = 0; wR < uniforms.filterDims.x; wR = wR + uniforms.dilations.x) {
            let xR = corner.x + wR;
            if (xR < 0 || xR >= uniforms.convDims.x) { continue; }
            for (var wC = 0; wC < uniforms.filterDims.y; wC = wC + uniforms.dilations.y) {
              let xC = corner.y + wC;
              if (xC < 0 || xC >= uniforms.convDims.y) { continue; }
              let value = getX(batch, xR, xC, d);
              if (!found || value > maxValue) {
                maxValue = value;
                found = true;
                maxPosition = wR * uniforms.filterDims.y + wC;
              }
            }
          }
          setOutputAtIndexI32(index, maxPosition);
        }
      }`,
  };
}

/** dx from dy and the positions: webgpu's own MaxPool2DBackpropProgram, written out (the package does not export it). */
function maxPoolBackpropProgram(inShape: number[]) {
  const size = inShape.reduce((a, b) => a * b, 1);
  return {
    variableNames: ['dy', 'maxPos'],
    uniforms: 'strides : vec2<i32>, pads : vec2<i32>, dilations : vec2<i32>, filterDims : vec2<i32>, outHeight : i32, outWidth : i32',
    workgroupSize: [64, 1, 1],
    size: true,
    outputShape: inShape,
    dispatchLayout: { x: inShape.map((_, i) => i) },
    dispatch: [Math.ceil(size / 64), 1, 1],
    shaderKey: 'modelspec_maxPool2DBackprop',
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          let batch = coords[0];
          let d = coords[3];
          let dyCorner = vec2<i32>(coords.yz) - uniforms.pads;
          var dotProd = 0.0;
          let lastIndex = uniforms.filterDims[0] * uniforms.filterDims[1] - 1;
          for (var wR = 0; wR < uniforms.filterDims[0]; wR += uniforms.dilations[0]) {
            let dyR = f32(dyCorner.x + wR) / f32(uniforms.strides[0]);
            if (dyR < 0.0 || dyR >= f32(uniforms.outHeight) || fract(dyR) > 0.0) { continue; }
            let idyR = i32(dyR);
            for (var wC = 0; wC < uniforms.filterDims[1]; wC += uniforms.dilations[1]) {
              let dyC = f32(dyCorner.y + wC) / f32(uniforms.strides[1]);
              if (dyC < 0.0 || dyC >= f32(uniforms.outWidth) || fract(dyC) > 0.0) { continue; }
              let idyC = i32(dyC);
              let maxPosValue = lastIndex - i32(getMaxPos(batch, idyR, idyC, d));
              let curPosValue = wR * uniforms.filterDims[1] + wC;
              dotProd += getDy(batch, idyR, idyC, d) * select(0.0, 1.0, maxPosValue == curPosValue);
            }
          }
          setOutputAtIndex(index, dotProd);
        }
      }`,
  };
}

function maxPoolGrad(tf: WebgpuTrainingTf): KernelFunc {
  return mark((({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tfc.MaxPoolGradAttrs;
    const b = backend as unknown as WebgpuBackend;
    const c = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const positions = b.runWebGPUProgram(firstMaxPositionsProgram(c.outShape), [input], 'int32', [
      { type: 'int32', data: [c.strideHeight, c.strideWidth] },
      { type: 'int32', data: [c.padInfo.top, c.padInfo.left] },
      { type: 'int32', data: [c.dilationHeight, c.dilationWidth] },
      { type: 'int32', data: [c.inHeight, c.inWidth] },
      { type: 'int32', data: [c.effectiveFilterHeight, c.effectiveFilterWidth] },
    ]);
    try {
      return b.runWebGPUProgram(maxPoolBackpropProgram(c.inShape), [dy, positions], input.dtype, [
        { type: 'int32', data: [c.strideHeight, c.strideWidth] },
        { type: 'int32', data: [c.effectiveFilterHeight - 1 - c.padInfo.top, c.effectiveFilterWidth - 1 - c.padInfo.left] },
        { type: 'int32', data: [c.dilationHeight, c.dilationWidth] },
        { type: 'int32', data: [c.effectiveFilterHeight, c.effectiveFilterWidth] },
        { type: 'int32', data: [c.outHeight] },
        { type: 'int32', data: [c.outWidth] },
      ]);
    } finally {
      b.disposeData(positions.dataId);
    }
  }) as KernelFunc);
}

function softmax(original: KernelFunc): KernelFunc {
  return mark(((args) => {
    const { logits } = args.inputs as { logits: TensorInfo };
    const dim = (args.attrs as { dim: number }).dim;
    const rank = logits.shape.length;
    return original({ ...args, attrs: { ...args.attrs, dim: ((dim % rank) + rank) % rank } });
  }) as KernelFunc);
}

/** Registers the corrected kernels for `backendName` (default 'webgpu'); a second call changes nothing. */
export function registerWebgpuTrainingKernels(tf: WebgpuTrainingTf, backendName = 'webgpu'): void {
  const replace = (name: string, make: (original: KernelFunc) => KernelFunc) => {
    const current = tf.getKernel(name, backendName);
    if (isOurs(current)) return;
    if (!current) throw new Error(`webgpu training kernels: tfjs-backend-webgpu has no ${name} kernel to replace (is it registered for "${backendName}"?)`);
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ ...current, kernelFunc: make(current.kernelFunc) });
  };
  replace('MaxPoolGrad', () => maxPoolGrad(tf));
  replace('Softmax', (o) => softmax(o));
}
