/**
 * What of tfjs-core's own test suite an engine cannot pass, each with its
 * reason. An exclusion that matches nothing fails the kit, so the lists
 * cannot outlive what they excuse.
 *
 * - `specs`: a spec name pattern (`suite › spec`, `*` for any run of
 *   characters, matched against the whole name); matching specs are not run.
 * - `kernel`: specs that fail only because the backend has no such kernel
 *   ("Kernel 'X' not registered for backend …") are excused; they still run,
 *   so a spec that fails for any other reason is still a failure.
 */
export type TfjsExclusion = { specs: string; reason: string } | { kernel: string; reason: string };

/** An exclusion's spec pattern as a regular expression over whole names. */
export function specsPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

const UPSTREAM_WASM = 'fails on tfjs-backend-wasm 4.22 itself, without modelspec\'s kernels';

/**
 * The lists for Node's built-in engines, measured on tfjs-core 4.22 (the
 * whole suite, 4,232 specs). `cpu` passes everything tfjs does not mark pending.
 */
export const builtinTfjsExclusions: Readonly<Record<string, readonly TfjsExclusion[]>> = {
  cpu: [],
  native: [],
  wasm: [
    { kernel: 'Complex', reason: 'tfjs-backend-wasm has no complex64 tensors (Complex, FFT, complex casts)' },
    { kernel: 'Einsum', reason: 'tfjs-backend-wasm has no Einsum kernel' },
    { kernel: 'UnsortedSegmentSum', reason: "tfjs-backend-wasm has no UnsortedSegmentSum (gather's gradient); no modelspec layer differentiates through a gather" },
    { kernel: 'RaggedGather', reason: 'tfjs-backend-wasm has no ragged-tensor kernels' },
    { kernel: 'RaggedRange', reason: 'tfjs-backend-wasm has no ragged-tensor kernels' },
    { kernel: 'RaggedTensorToTensor', reason: 'tfjs-backend-wasm has no ragged-tensor kernels' },
    { kernel: 'StaticRegexReplace', reason: 'tfjs-backend-wasm has no string kernels' },
    { kernel: 'DepthwiseConv2dNativeBackpropInput', reason: 'tfjs-backend-wasm has no depthwise-convolution gradients; modelspec has no depthwise layer' },
    { kernel: 'DepthwiseConv2dNativeBackpropFilter', reason: 'tfjs-backend-wasm has no depthwise-convolution gradients; modelspec has no depthwise layer' },
    { specs: '* › should support string comparison', reason: `string tensors: ${UPSTREAM_WASM} (compares bytes as numbers)` },
    { specs: 'fill › * string', reason: `string tensors: ${UPSTREAM_WASM} ("Unknown dtype string")` },
    { specs: 'squeeze › *', reason: `each spec also squeezes a string tensor: ${UPSTREAM_WASM} ("Unknown dtype string")` },
    { specs: 'tensor.toString › * string tensor verbose', reason: `string tensors: ${UPSTREAM_WASM} ("Unknown dtype string")` },
    { specs: 'tile › * string tensor', reason: `string tensors abort the wasm module (RuntimeError: Aborted()), ${UPSTREAM_WASM}` },
    { specs: 'sparseToDense › should work for string', reason: `string tensors abort the wasm module (RuntimeError: Aborted()), ${UPSTREAM_WASM}` },
    { specs: 'tensor › Tensor2D * -> bool', reason: `casting to bool keeps the value (3 instead of 1): ${UPSTREAM_WASM}` },
    { specs: 'confusionMatrix › *', reason: `"BatchMatMul for non non-float32 tensors not yet supported": ${UPSTREAM_WASM}` },
    { specs: 'matmul › upcasts when dtypes dont match', reason: `"BatchMatMul for non non-float32 tensors not yet supported": ${UPSTREAM_WASM}` },
    { specs: 'dtypes › Should use the input tensor dtype', reason: `"BatchMatMul for non non-float32 tensors not yet supported": ${UPSTREAM_WASM}` },
    { specs: '*conv2d › *NCHW*', reason: `XNNPACK convolutions are channels-last only ("does not support dataFormat NCHW"): ${UPSTREAM_WASM}` },
    { specs: 'fused conv2d › * with broadcasted bias and relu', reason: `fused kernels take a rank-1 bias only: ${UPSTREAM_WASM}` },
    { specs: 'fused conv2d › gradient x=[2,3,3,1] f=[2,2,1,1] s=1 p=0 with bias', reason: `fused kernels take a rank-1 bias only: ${UPSTREAM_WASM}` },
    { specs: 'fused depthwiseConv2D › basic with broadcasted bias and relu', reason: `fused kernels take a rank-1 bias only: ${UPSTREAM_WASM}` },
    { specs: 'fused depthwiseConv2D › gradient x=[2,3,3,1] f=[2,2,1,1] s=1 p=0 with bias', reason: `fused kernels take a rank-1 bias only: ${UPSTREAM_WASM}` },
    { specs: 'fused matmul › fused A x B with *2d bias*', reason: `fused kernels take a rank-1 bias only: ${UPSTREAM_WASM}` },
    { specs: 'fused matmul › fused A x B with relu and broadcasted bias different rank', reason: `fused kernels take a rank-1 bias only: ${UPSTREAM_WASM}` },
    { specs: 'fused conv2d › backProp input x=[2,3,3,1] f=[2,2,1,1] s=1 p=0', reason: `tfjs's leak check finds 3 data ids left by the fused conv's gradient: ${UPSTREAM_WASM}` },
    { specs: 'fused conv2d › gradient x=[2,3,3,1] f=[2,2,1,1] s=1 p=0', reason: `tfjs's leak check finds 3 data ids left by the fused conv's gradient: ${UPSTREAM_WASM}` },
    { specs: 'fused depthwiseConv2D › gradient x=[2,3,3,1] f=[2,2,1,1] s=1 p=0', reason: `tfjs's leak check finds 3 data ids left by the fused conv's gradient: ${UPSTREAM_WASM}` },
    ...['second order derivative through customGradient', 'calling gradient of custom op twice works'].map((spec) => ({
      specs: `customGradient › ${spec}`,
      reason: `tfjs's leak check finds a data id left by the custom gradient's forward pass: ${UPSTREAM_WASM} (with modelspec's kernels, only after some other specs have run)`,
    })),
    { specs: 'logSoftmax › 1D gradient', reason: `tfjs's leak check finds a data id left by logSoftmax's gradient: ${UPSTREAM_WASM}` },
    { specs: 'logSigmoid › gradient with clones', reason: `TypeError reading the backend of a cloned tensor: ${UPSTREAM_WASM}` },
    { specs: 'gradient registry › register a kernel with gradient*', reason: `the saved input reaches the gradient under another data id: ${UPSTREAM_WASM}` },
    { specs: 'clipByValue › basic vec4', reason: `ClipByValue turns NaN into the lower bound: ${UPSTREAM_WASM}` },
    { specs: 'clipByValue › propagates NaNs', reason: `ClipByValue turns NaN into the lower bound: ${UPSTREAM_WASM}` },
    { specs: 'threshold › method otsu*', reason: `"Operands could not be broadcast": ${UPSTREAM_WASM}` },
    { specs: 'slice2d › throws when requesting out of bounds slice', reason: `Slice does not check its bounds: ${UPSTREAM_WASM}` },
    { specs: 'pool › * x=[2,2,3] f=[1,1] s=2 p=1 fractional outputs default rounding', reason: `pooling with an explicit padding as large as the window reads uninitialised memory: ${UPSTREAM_WASM}` },
  ],
};
