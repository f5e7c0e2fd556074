/**
 * What of tfjs-core's own test suite (tfjs-core 4.22: 4,166 specs run, the
 * sync-only ones skipped) the webgpu engine cannot pass, each with its reason,
 * in the conformance kit's exclusion format (`specs`: a name pattern, not
 * run; `kernel`: failures only for a kernel the backend lacks are excused).
 * Measured on Dawn's OpenGL ES backend over Mesa's llvmpipe with
 * asynchronous reads. None involves a kernel modelspec replaces, and none a
 * kernel modelspec's layers, losses or optimizers train with.
 */
export type WebgpuTfjsExclusion = { specs: string; reason: string } | { kernel: string; reason: string };

const UPSTREAM = "tfjs-backend-webgpu 4.22's own kernel (modelspec does not replace it, and no modelspec layer, loss or optimizer uses it)";
const lacks = (kernel: string, what: string): WebgpuTfjsExclusion => ({ kernel, reason: `tfjs-backend-webgpu 4.22 has no ${kernel} kernel (${what}); no modelspec layer uses it` });

export const webgpuTfjsExclusions: readonly WebgpuTfjsExclusion[] = [
  lacks('SparseReshape', 'sparse tensors'),
  lacks('SparseFillEmptyRows', 'sparse tensors'),
  lacks('RaggedGather', 'ragged tensors'),
  lacks('RaggedRange', 'ragged tensors'),
  lacks('RaggedTensorToTensor', 'ragged tensors'),
  lacks('StringSplit', 'string tensors'),
  lacks('StringToHashBucketFast', 'string tensors'),
  lacks('StaticRegexReplace', 'string tensors'),
  lacks('Unique', 'its output size depends on the data'),
  lacks('NonMaxSuppressionV4', 'padded non-max suppression'),
  lacks('BitwiseAnd', 'bitwise operations'),
  { specs: 'relu › propagates NaNs, float32', reason: "relu(NaN) is 0: the shader's max() drops NaN (WGSL leaves NaN handling to the implementation). A diverged run still stops: its loss stays NaN" },
  { specs: 'debug off › no errors where there are nans, and debug mode is disabled', reason: 'the same relu(NaN) = 0' },
  { specs: 'tan › numbers exceed float32 precision', reason: "tan of arguments beyond float32's precision: the GPU reduces the argument differently; no modelspec layer uses tan" },
  { specs: 'time cpu › simple upload', reason: "tf.time reports 0 ms for an upload: the adapter has no 'timestamp-query' feature (llvmpipe, and browsers by default)" },
  { specs: 'cumsum › gradient*', reason: `cumsum's gradient (a reversed cumsum) gives wrong sums: ${UPSTREAM}` },
  { specs: 'prod › *', reason: `Prod ignores keepDims and its gradient is wrong: ${UPSTREAM}` },
  { specs: 'gather › throws when index is out of bound', reason: `GatherV2 does not check its indices: ${UPSTREAM}` },
  { specs: 'sparseSegment* › *', reason: `the sparse segment kernels do not validate indices and segment ids: ${UPSTREAM}` },
  { specs: 'threshold › method otsu*', reason: `Otsu's threshold picks another level: ${UPSTREAM}` },
  { specs: 'fromPixels, mock canvas › *', reason: 'fromPixels on a canvas-like object needs a real canvas, which Node has not' },
  { specs: 'tensor.data › *', reason: 'disposing a tensor while its asynchronous read is pending rejects a promise nobody awaits (tfjs-backend-webgpu 4.22)' },
];

const NODE_ONLY = new Set(['time cpu › simple upload', 'fromPixels, mock canvas › *']);
const SWIFTSHADER_NAN = "NaN does not propagate here (SwiftShader): WGSL lets an implementation assume no NaN at run time. On such an adapter a diverged run's loss can stay finite instead of NaN; modelspec never chooses a software adapter unless it is named";

/**
 * The same suite in a browser: navigator.gpu, measured on headless
 * Chromium's SwiftShader adapter with asynchronous reads (as modelspec's
 * training reads). Node's list, less what only Node meets (no real canvas;
 * llvmpipe's missing timestamps), plus what the page meets.
 * Synchronous reads (`dataSync`, staged through an OffscreenCanvas) are not
 * used: over the whole suite they exhaust SwiftShader's mappable memory, and
 * every spec after that fails to create a buffer.
 */
export const browserWebgpuTfjsExclusions: readonly WebgpuTfjsExclusion[] = [
  ...webgpuTfjsExclusions.filter((e) => !('specs' in e) || !NODE_ONLY.has(e.specs)),
  { specs: 'draw on canvas context › *', reason: 'tf.browser.draw onto a WebGPU canvas context reads back zeros on headless SwiftShader, and the device is lost for every spec after it; no modelspec path draws to a canvas' },
  ...['JSON model 1 group, 2 weights, 1 path', 'JSON model 1 group, 2 weights, 1 path, with requestInit', 'JSON model Provide WeightFileTranslateFunc'].map((n) => ({
    specs: `http-load › ${n}`,
    reason: "the page's bundle is an ES module (strict mode), so tf.io.http calls fetch with `this` undefined where tfjs's own sloppy-mode test build has window; not the engine (modelspec keeps models in IndexedDB)",
  })),
  ...['acosh', 'asinh', 'atanh', 'sigmoid'].map((op) => ({ specs: `${op} › propagates NaNs`, reason: SWIFTSHADER_NAN })),
  { specs: 'softmax › Propagates NaNs', reason: SWIFTSHADER_NAN },
  { specs: 'cos › gradient*', reason: "cos's gradient (-sin) of large arguments differs from float64 by 1.5e-4 relative on SwiftShader; no modelspec layer uses sin or cos" },
  { specs: 'tan › gradients: Tensor2D', reason: "tan's gradient of large arguments differs by 7e-5 relative on SwiftShader; no modelspec layer uses tan" },
  { specs: 'fromPixels › fromPixels for HTMLVideoElement', reason: "the spec's H.264 video does not play in Debian's Chromium (no proprietary codecs), so it times out; not the engine" },
];
